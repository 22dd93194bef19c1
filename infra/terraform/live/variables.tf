# Inputs of the root module; env/<environment>.tfvars sets every input that has no default.

variable "account_id" {
  type        = string
  description = "AWS account this environment lives in; the provider refuses to run against any other."

  validation {
    condition     = can(regex("^[0-9]{12}$", var.account_id))
    error_message = "account_id must be a 12-digit AWS account ID."
  }
}

variable "region" {
  type        = string
  description = "AWS region of the environment."
  default     = "us-east-1"

  validation {
    condition     = can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]$", var.region))
    error_message = "region must be an AWS region name such as us-east-1."
  }
}

variable "environment" {
  type        = string
  description = "Deployment environment: staging or prod."

  validation {
    condition     = contains(["staging", "prod"], var.environment)
    error_message = "environment must be staging or prod."
  }
}

variable "github_repositories" {
  type = object({
    platform = string
    kb       = string
  })
  description = "GitHub repositories (OWNER/REPO) whose workflows deploy the platform and the knowledge base."
  default = {
    platform = "Plasma-Engine/plasma-engine-org"
    kb       = "Plasma-Engine/plasma-engine-kb"
  }

  validation {
    condition     = alltrue([for r in values(var.github_repositories) : can(regex("^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$", r))])
    error_message = "Each repository must be written OWNER/REPO."
  }
}

variable "vpc_cidr" {
  type        = string
  description = "IPv4 CIDR block of the environment's VPC."
}

variable "availability_zones" {
  type        = list(string)
  description = "The three availability zones the VPC spans."
}

variable "public_subnet_cidrs" {
  type        = list(string)
  description = "Public subnet CIDR blocks, one per zone."
}

variable "private_subnet_cidrs" {
  type        = list(string)
  description = "Private subnet CIDR blocks, one per zone."
}

variable "data_subnet_cidrs" {
  type        = list(string)
  description = "Data subnet CIDR blocks, one per zone."
}

variable "nat_gateway_mode" {
  type        = string
  description = "per_az (prod) or single (staging)."
}

variable "log_retention_days" {
  type        = number
  description = "CloudWatch retention for every log group of the environment: 7 or 14 in staging, 30, 60 or 90 in prod."
}

variable "kubernetes_version" {
  type        = string
  description = "EKS Kubernetes minor version."
}

variable "node_groups" {
  type = map(object({
    instance_types = list(string)
    capacity_type  = optional(string, "ON_DEMAND")
    min_size       = number
    max_size       = number
    desired_size   = number
    disk_size_gib  = optional(number, 50)
    labels         = optional(map(string), {})
  }))
  description = "EKS managed node groups; see the compute module."
}

variable "cluster_admin_principal_arns" {
  type        = list(string)
  description = "IAM roles given cluster-admin access to EKS (break-glass and platform operators)."
  default     = []
}

variable "postgres_instance_class" {
  type        = string
  description = "RDS instance class."
}

variable "multi_az" {
  type        = bool
  description = "RDS Multi-AZ standby."
}

variable "backup_retention_days" {
  type        = number
  description = "RDS automated-backup retention in days."
}

variable "redis_node_type" {
  type        = string
  description = "ElastiCache node type."
}

variable "redis_num_cache_clusters" {
  type        = number
  description = "Redis nodes (primary plus replicas)."
}

variable "docs_domain_names" {
  type        = list(string)
  description = "Host names of the knowledge base site."
}

variable "docs_acm_certificate_arn" {
  type        = string
  description = "ACM certificate (us-east-1) covering docs_domain_names."
}
