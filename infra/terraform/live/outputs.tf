# Outputs of the environment being applied, shown after `terraform apply` and read by the deploy pipelines.

output "cluster_name" {
  description = "EKS cluster name, for `aws eks update-kubeconfig --name <cluster_name>`."
  value       = module.compute.cluster_name
}

output "deploy_role_arns" {
  description = "GitHub Actions deploy role ARNs by pipeline; store each as the AWS_ROLE_ARN variable of the matching GitHub environment."
  value       = module.security.deploy_role_arns
}

output "prometheus_endpoint" {
  description = "Amazon Managed Service for Prometheus endpoint the OpenTelemetry collector remote-writes to."
  value       = module.observability.prometheus_endpoint
}

output "alarm_topic_arns" {
  description = "SNS alarm topics by severity."
  value       = module.observability.alarm_topic_arns
}

output "postgres_endpoint" {
  description = "Postgres primary host name."
  value       = module.data.postgres_endpoint
}

output "redis_primary_endpoint" {
  description = "Redis primary endpoint (TLS)."
  value       = module.data.redis_primary_endpoint
}

output "docs_site_bucket_name" {
  description = "Bucket the knowledge base is synced to."
  value       = module.docs_site.site_bucket_name
}

output "docs_distribution_id" {
  description = "CloudFront distribution of the knowledge base."
  value       = module.docs_site.distribution_id
}
