# Prod values, read by `terraform plan -var-file=env/prod.tfvars` in infra/terraform/live: Multi-AZ everywhere, one NAT per zone.

# TODO(@platform-team): set the prod AWS account ID — when the account exists in the organisation
account_id  = "000000000000"
region      = "us-east-1"
environment = "prod"

# TODO(@platform-team): confirm the prod CIDR plan with the network owners — when 10.30.0.0/16 is reserved in the IP plan
vpc_cidr             = "10.30.0.0/16"
availability_zones   = ["us-east-1a", "us-east-1b", "us-east-1c"]
public_subnet_cidrs  = ["10.30.0.0/24", "10.30.1.0/24", "10.30.2.0/24"]
private_subnet_cidrs = ["10.30.32.0/19", "10.30.64.0/19", "10.30.96.0/19"]
data_subnet_cidrs    = ["10.30.8.0/24", "10.30.9.0/24", "10.30.10.0/24"]
nat_gateway_mode     = "per_az"

log_retention_days = 90

kubernetes_version = "1.34"
node_groups = {
  general = {
    instance_types = ["m7i.xlarge"]
    min_size       = 3
    max_size       = 9
    desired_size   = 3
  }
}
# TODO(@platform-team): list the IAM roles that get cluster-admin in prod — when the break-glass role exists
cluster_admin_principal_arns = []

postgres_instance_class  = "db.r7g.large"
multi_az                 = true
backup_retention_days    = 14
redis_node_type          = "cache.r7g.large"
redis_num_cache_clusters = 2

# TODO(@platform-team): set the prod docs domain and its us-east-1 ACM certificate — when the certificate is issued
docs_domain_names        = ["kb.plasma-engine.example"]
docs_acm_certificate_arn = "arn:aws:acm:us-east-1:000000000000:certificate/00000000-0000-0000-0000-000000000000"
