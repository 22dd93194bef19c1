# Inputs of the data module: placement, encryption, and the Postgres and Redis sizing per environment.

variable "name" {
  type        = string
  description = "Name prefix for every resource, e.g. `plasma-staging`."

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,30}[a-z0-9]$", var.name))
    error_message = "name must be 3-32 characters of lower-case letters, digits and hyphens, starting with a letter."
  }
}

variable "environment" {
  type        = string
  description = "Deployment environment; prod enforces Multi-AZ, deletion protection and a Redis replica."

  validation {
    condition     = contains(["staging", "prod"], var.environment)
    error_message = "environment must be staging or prod."
  }
}

variable "tags" {
  type        = map(string)
  description = "Extra tags merged over the module's default tags (Project, Environment, ManagedBy, Module)."
  default     = {}
}

variable "vpc_id" {
  type        = string
  description = "ID of the VPC holding the data subnets."

  validation {
    condition     = can(regex("^vpc-[0-9a-f]+$", var.vpc_id))
    error_message = "vpc_id must be a VPC ID such as vpc-0abc123."
  }
}

variable "subnet_ids" {
  type        = list(string)
  description = "Data subnets (no internet route) in at least two zones; the networking module's data_subnet_ids."

  validation {
    condition     = length(var.subnet_ids) >= 2
    error_message = "subnet_ids must list at least two subnets in different zones."
  }
}

variable "client_security_group_ids" {
  type        = list(string)
  description = "Security groups allowed to connect to Postgres (5432) and Redis (6379), normally the EKS cluster security group."

  validation {
    condition     = length(var.client_security_group_ids) > 0
    error_message = "client_security_group_ids must name at least one security group."
  }
}

variable "kms_key_arn" {
  type        = string
  description = "ARN of the KMS key for storage, snapshots, Performance Insights and secrets (the security module's `data` key)."

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN."
  }
}

variable "log_kms_key_arn" {
  type        = string
  description = "ARN of the KMS key for the database log groups (the security module's `logs` key)."

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/", var.log_kms_key_arn))
    error_message = "log_kms_key_arn must be a KMS key ARN."
  }
}

variable "log_retention_days" {
  type        = number
  description = "Days CloudWatch keeps Postgres and Redis logs: 7 or 14 in staging, 30, 60 or 90 in prod."

  validation {
    condition     = var.environment == "prod" ? contains([30, 60, 90], var.log_retention_days) : contains([7, 14], var.log_retention_days)
    error_message = "log_retention_days must be 7 or 14 in staging and 30, 60 or 90 in prod."
  }
}

variable "postgres_engine_version" {
  type        = string
  description = "Postgres engine version: `15` lets RDS pick the current 15.x minor and apply minor upgrades in the maintenance window."
  default     = "15"

  validation {
    condition     = can(regex("^15(\\.[0-9]+)?$", var.postgres_engine_version))
    error_message = "postgres_engine_version must be 15 or 15.x; a major upgrade is a planned change, not a variable edit."
  }
}

variable "postgres_instance_class" {
  type        = string
  description = "RDS instance class, e.g. db.t4g.medium in staging and db.r7g.large in prod."

  validation {
    condition     = can(regex("^db\\.[a-z0-9]+\\.[a-z0-9]+$", var.postgres_instance_class))
    error_message = "postgres_instance_class must be an RDS class such as db.r7g.large."
  }
}

variable "postgres_allocated_storage_gib" {
  type        = number
  description = "Initial gp3 storage in GiB; storage autoscaling grows it up to postgres_max_allocated_storage_gib."
  default     = 50

  validation {
    condition     = var.postgres_allocated_storage_gib >= 20 && var.postgres_allocated_storage_gib <= 65536
    error_message = "postgres_allocated_storage_gib must be between 20 and 65536."
  }
}

variable "postgres_max_allocated_storage_gib" {
  type        = number
  description = "Upper bound in GiB for RDS storage autoscaling."
  default     = 500

  validation {
    condition     = var.postgres_max_allocated_storage_gib >= var.postgres_allocated_storage_gib
    error_message = "postgres_max_allocated_storage_gib must be at least postgres_allocated_storage_gib."
  }
}

variable "multi_az" {
  type        = bool
  description = "Run a synchronous standby in a second zone; required in prod, optional in staging."

  validation {
    condition     = var.environment != "prod" || var.multi_az
    error_message = "multi_az must be true in prod."
  }
}

variable "backup_retention_days" {
  type        = number
  description = "Days of automated backups kept for point-in-time restore (7-35). RDS ships transaction logs every 5 minutes, inside the 1 h recovery point objective."

  validation {
    condition     = var.backup_retention_days >= 7 && var.backup_retention_days <= 35
    error_message = "backup_retention_days must be between 7 and 35."
  }
}

variable "deletion_protection" {
  type        = bool
  description = "Refuse to delete the database while set; must stay true in prod."
  default     = true

  validation {
    condition     = var.environment != "prod" || var.deletion_protection
    error_message = "deletion_protection must be true in prod."
  }
}

variable "redis_engine_version" {
  type        = string
  description = "Redis engine version of the ElastiCache replication group, 7.x."
  default     = "7.1"

  validation {
    condition     = can(regex("^7\\.[0-9]+$", var.redis_engine_version))
    error_message = "redis_engine_version must be 7.x."
  }
}

variable "redis_node_type" {
  type        = string
  description = "ElastiCache node type, e.g. cache.t4g.small in staging and cache.r7g.large in prod."

  validation {
    condition     = can(regex("^cache\\.[a-z0-9]+\\.[a-z0-9]+$", var.redis_node_type))
    error_message = "redis_node_type must be an ElastiCache node type such as cache.r7g.large."
  }
}

variable "redis_num_cache_clusters" {
  type        = number
  description = "Nodes in the Redis replication group (primary plus replicas, 1-6); two or more enable automatic failover, required in prod."

  validation {
    condition     = var.redis_num_cache_clusters >= 1 && var.redis_num_cache_clusters <= 6 && (var.environment != "prod" || var.redis_num_cache_clusters >= 2)
    error_message = "redis_num_cache_clusters must be 1-6, and at least 2 in prod."
  }
}

variable "redis_snapshot_retention_days" {
  type        = number
  description = "Days of daily Redis snapshots kept (1-35); Redis holds sessions and rate-limit counters, which rebuild on their own."
  default     = 7

  validation {
    condition     = var.redis_snapshot_retention_days >= 1 && var.redis_snapshot_retention_days <= 35
    error_message = "redis_snapshot_retention_days must be between 1 and 35."
  }
}
