# Inputs of the s3-bucket module: the bucket's name, encryption key, ownership, lifecycle, access logging and policy.

variable "name" {
  type        = string
  description = "Bucket name, globally unique, e.g. `plasma-prod-cloudtrail-<account id>`."

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$", var.name))
    error_message = "name must be 3-63 characters of lower-case letters, digits and hyphens."
  }
}

variable "environment" {
  type        = string
  description = "Deployment environment; written into the tags."

  validation {
    condition     = contains(["staging", "prod"], var.environment)
    error_message = "environment must be staging or prod."
  }
}

variable "tags" {
  type        = map(string)
  description = "Tags merged over the module's defaults (Project, Environment, ManagedBy, Module); callers pass their own Module tag."
  default     = {}
}

variable "kms_key_arn" {
  type        = string
  description = "KMS key for SSE-KMS with an S3 bucket key; null gives SSE-S3 (AES256), which S3 server access log delivery requires."
  default     = null

  validation {
    condition     = var.kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/", var.kms_key_arn))
    error_message = "kms_key_arn must be null or a KMS key ARN."
  }
}

variable "object_ownership" {
  type        = string
  description = "BucketOwnerEnforced (ACLs disabled) or BucketOwnerPreferred, needed only by CloudFront standard logging."
  default     = "BucketOwnerEnforced"

  validation {
    condition     = contains(["BucketOwnerEnforced", "BucketOwnerPreferred"], var.object_ownership)
    error_message = "object_ownership must be BucketOwnerEnforced or BucketOwnerPreferred."
  }
}

variable "lifecycle_rule_id" {
  type        = string
  description = "ID of the bucket's single lifecycle rule, shown in the S3 console."
  default     = "expire-old-versions"
}

variable "expiration_days" {
  type        = number
  description = "Days after which current objects expire; null keeps them (the docs site)."
  default     = null

  validation {
    condition     = var.expiration_days == null || try(var.expiration_days >= 1, false)
    error_message = "expiration_days must be null or at least 1."
  }
}

variable "archive_after_days" {
  type        = number
  description = "Days after which objects move to Glacier Instant Retrieval; null never archives."
  default     = null

  validation {
    condition     = var.archive_after_days == null || try(var.archive_after_days >= 30, false)
    error_message = "archive_after_days must be null or at least 30 (the S3 minimum before a Glacier transition)."
  }
}

variable "noncurrent_version_retention_days" {
  type        = number
  description = "Days a replaced or deleted object version is kept for rollback."
  default     = 30

  validation {
    condition     = var.noncurrent_version_retention_days >= 1
    error_message = "noncurrent_version_retention_days must be at least 1."
  }
}

variable "abort_incomplete_upload_days" {
  type        = number
  description = "Days after which unfinished multipart uploads are removed."
  default     = 7

  validation {
    condition     = var.abort_incomplete_upload_days >= 1
    error_message = "abort_incomplete_upload_days must be at least 1."
  }
}

variable "access_log_bucket" {
  type        = string
  description = "Bucket receiving this bucket's server access logs; null only for a bucket that is itself a log target."
  default     = null
}

variable "access_log_prefix" {
  type        = string
  description = "Key prefix of this bucket's server access logs in access_log_bucket."
  default     = "s3-access/"
}

variable "policy_json" {
  type        = string
  description = "IAM policy document (JSON) with the caller's statements; the module adds DenyInsecureTransport to it."
  default     = null
}
