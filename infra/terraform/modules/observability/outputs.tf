# Outputs of the observability module, read by the OpenTelemetry collector and alert routing setup.

output "prometheus_workspace_id" {
  description = "ID of the Amazon Managed Service for Prometheus workspace."
  value       = aws_prometheus_workspace.this.id
}

output "prometheus_endpoint" {
  description = "Prometheus-compatible endpoint of the workspace; remote-write goes to `<endpoint>api/v1/remote_write`."
  value       = aws_prometheus_workspace.this.prometheus_endpoint
}

output "service_log_group_names" {
  description = "CloudWatch log group name of each service."
  value       = { for service, group in aws_cloudwatch_log_group.service : service => group.name }
}

output "alarm_topic_arns" {
  description = "ARN of the SNS alarm topic of each severity."
  value       = { for severity, topic in aws_sns_topic.alarms : severity => topic.arn }
}
