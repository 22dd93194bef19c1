# The one root module of every environment: composes the platform modules. Staging and prod differ
# only in env/<environment>.tfvars (values) and env/<environment>.backend.hcl (state location):
#   terraform init -reconfigure -backend-config=env/prod.backend.hcl
#   terraform plan -var-file=env/prod.tfvars

provider "aws" {
  region              = var.region
  allowed_account_ids = [var.account_id]
}

locals {
  name = "plasma-${var.environment}"

  tags = {
    CostCentre = "plasma-engine-platform"
  }

  app_namespaces = ["gateway", "research", "brand", "content", "agent", "frontend"]
}

module "security" {
  source = "../modules/security"

  name                          = local.name
  environment                   = var.environment
  tags                          = local.tags
  cloudtrail_log_retention_days = var.log_retention_days

  deploy_roles = {
    platform = {
      subjects    = ["repo:${var.github_repositories.platform}:environment:${var.environment}"]
      policy_json = data.aws_iam_policy_document.platform_deploy.json
    }
    docs = {
      subjects    = ["repo:${var.github_repositories.kb}:environment:${var.environment}"]
      policy_json = data.aws_iam_policy_document.docs_deploy.json
    }
  }
}

module "networking" {
  source = "../modules/networking"

  name                    = local.name
  environment             = var.environment
  tags                    = local.tags
  vpc_cidr                = var.vpc_cidr
  availability_zones      = var.availability_zones
  public_subnet_cidrs     = var.public_subnet_cidrs
  private_subnet_cidrs    = var.private_subnet_cidrs
  data_subnet_cidrs       = var.data_subnet_cidrs
  nat_gateway_mode        = var.nat_gateway_mode
  flow_log_retention_days = var.log_retention_days
  log_kms_key_arn         = module.security.kms_key_arns["logs"]
}

module "observability" {
  source = "../modules/observability"

  name               = local.name
  environment        = var.environment
  tags               = local.tags
  log_retention_days = var.log_retention_days
  kms_key_arn        = module.security.kms_key_arns["logs"]
}

module "compute" {
  source = "../modules/compute"

  name                = local.name
  environment         = var.environment
  tags                = local.tags
  kubernetes_version  = var.kubernetes_version
  subnet_ids          = module.networking.private_subnet_ids
  secrets_kms_key_arn = module.security.kms_key_arns["eks"]
  log_kms_key_arn     = module.security.kms_key_arns["logs"]
  log_retention_days  = var.log_retention_days
  node_groups         = var.node_groups

  access_entries = merge(
    { for i, arn in var.cluster_admin_principal_arns : "admin-${i}" => { principal_arn = arn, policy = "AmazonEKSClusterAdminPolicy" } },
    {
      platform-deploy = {
        principal_arn = module.security.deploy_role_arns["platform"]
        policy        = "AmazonEKSEditPolicy"
        namespaces    = local.app_namespaces
      }
    },
  )
}

module "data" {
  source = "../modules/data"

  name                      = local.name
  environment               = var.environment
  tags                      = local.tags
  vpc_id                    = module.networking.vpc_id
  subnet_ids                = module.networking.data_subnet_ids
  client_security_group_ids = [module.compute.cluster_security_group_id]
  kms_key_arn               = module.security.kms_key_arns["data"]
  log_kms_key_arn           = module.security.kms_key_arns["logs"]
  log_retention_days        = var.log_retention_days
  postgres_instance_class   = var.postgres_instance_class
  multi_az                  = var.multi_az
  backup_retention_days     = var.backup_retention_days
  redis_node_type           = var.redis_node_type
  redis_num_cache_clusters  = var.redis_num_cache_clusters
}

module "docs_site" {
  source = "../modules/docs-site"

  name                      = "plasma-kb-${var.environment}"
  environment               = var.environment
  tags                      = local.tags
  domain_names              = var.docs_domain_names
  acm_certificate_arn       = var.docs_acm_certificate_arn
  access_log_retention_days = var.log_retention_days
}

# The platform pipeline only needs to find the cluster; what it may do inside is the EKS access
# entry above (edit rights in the application namespaces).
data "aws_iam_policy_document" "platform_deploy" {
  statement {
    sid       = "DescribeCluster"
    actions   = ["eks:DescribeCluster"]
    resources = [module.compute.cluster_arn]
  }
}

# The knowledge-base pipeline syncs site/ to the bucket and invalidates the distribution.
data "aws_iam_policy_document" "docs_deploy" {
  statement {
    sid       = "ListSiteBucket"
    actions   = ["s3:ListBucket"]
    resources = [module.docs_site.site_bucket_arn]
  }

  statement {
    sid       = "WriteSiteObjects"
    actions   = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"]
    resources = ["${module.docs_site.site_bucket_arn}/*"]
  }

  statement {
    sid       = "InvalidateDistribution"
    actions   = ["cloudfront:CreateInvalidation", "cloudfront:GetInvalidation"]
    resources = [module.docs_site.distribution_arn]
  }
}
