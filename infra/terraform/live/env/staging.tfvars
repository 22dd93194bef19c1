# Staging values, read by `terraform plan -var-file=env/staging.tfvars` in infra/terraform/live: smaller, cheaper, shorter retention.

# TODO(@platform-team): set the staging AWS account ID — when the account exists in the organisation
account_id  = "000000000000"
region      = "us-east-1"
environment = "staging"

# TODO(@platform-team): confirm the staging CIDR plan with the network owners — when 10.20.0.0/16 is reserved in the IP plan
vpc_cidr             = "10.20.0.0/16"
availability_zones   = ["us-east-1a", "us-east-1b", "us-east-1c"]
public_subnet_cidrs  = ["10.20.0.0/24", "10.20.1.0/24", "10.20.2.0/24"]
private_subnet_cidrs = ["10.20.32.0/19", "10.20.64.0/19", "10.20.96.0/19"]
data_subnet_cidrs    = ["10.20.8.0/24", "10.20.9.0/24", "10.20.10.0/24"]
nat_gateway_mode     = "single"

log_retention_days = 14

kubernetes_version = "1.34"
node_groups = {
  general = {
    instance_types = ["m7i.large"]
    min_size       = 2
    max_size       = 4
    desired_size   = 2
  }
}
# TODO(@platform-team): list the IAM roles that get cluster-admin in staging — when the break-glass role exists
cluster_admin_principal_arns = []

postgres_instance_class  = "db.t4g.medium"
multi_az                 = false
backup_retention_days    = 7
redis_node_type          = "cache.t4g.small"
redis_num_cache_clusters = 1

# TODO(@platform-team): set the staging docs domain and its us-east-1 ACM certificate — when the certificate is issued
docs_domain_names        = ["kb.staging.plasma-engine.example"]
docs_acm_certificate_arn = "arn:aws:acm:us-east-1:000000000000:certificate/00000000-0000-0000-0000-000000000000"
