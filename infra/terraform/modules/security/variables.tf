# Inputs of the security module: KMS keys, GitHub Actions deploy roles, GuardDuty and CloudTrail.

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
  description = "Deployment environment, written into the tags and the deploy-role names."

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

variable "kms_deletion_window_days" {
  type        = number
  description = "Days a scheduled KMS key deletion waits before the key is destroyed (7-30); the longest window gives the most time to cancel a mistake."
  default     = 30

  validation {
    condition     = var.kms_deletion_window_days >= 7 && var.kms_deletion_window_days <= 30
    error_message = "kms_deletion_window_days must be between 7 and 30."
  }
}

variable "deploy_roles" {
  type = map(object({
    subjects    = list(string)
    policy_json = string
  }))
  description = "GitHub Actions deploy roles by short name: the exact OIDC `sub` claims allowed to assume each role (repository plus branch or environment, no wildcards) and the role's inline IAM policy."
  default     = {}

  validation {
    condition = alltrue(flatten([
      for role in values(var.deploy_roles) : [
        for s in role.subjects : can(regex("^repo:[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+:(ref:refs/heads/[A-Za-z0-9_./-]+|environment:[A-Za-z0-9_.-]+)$", s))
      ]
    ]))
    error_message = "Each subject must be repo:OWNER/REPO:ref:refs/heads/BRANCH or repo:OWNER/REPO:environment:NAME, without wildcards."
  }

  validation {
    condition     = alltrue([for role in values(var.deploy_roles) : length(role.subjects) > 0 && can(jsondecode(role.policy_json))])
    error_message = "Each deploy role needs at least one subject and a policy_json that is valid JSON."
  }
}

variable "guardduty_finding_frequency" {
  type        = string
  description = "How often GuardDuty publishes updated findings to EventBridge."
  default     = "FIFTEEN_MINUTES"

  validation {
    condition     = contains(["FIFTEEN_MINUTES", "ONE_HOUR", "SIX_HOURS"], var.guardduty_finding_frequency)
    error_message = "guardduty_finding_frequency must be FIFTEEN_MINUTES, ONE_HOUR or SIX_HOURS."
  }
}

variable "cloudtrail_retention_days" {
  type        = number
  description = "Days CloudTrail log files stay in the S3 bucket before they expire; at least 365 so a year of audit history survives."
  default     = 400

  validation {
    condition     = var.cloudtrail_retention_days >= 365
    error_message = "cloudtrail_retention_days must be at least 365."
  }
}

variable "cloudtrail_log_retention_days" {
  type        = number
  description = "Days the CloudWatch copy of CloudTrail (used for metric filters and search) is kept: 7 or 14 in staging, 30, 60 or 90 in prod."

  validation {
    condition     = var.environment == "prod" ? contains([30, 60, 90], var.cloudtrail_log_retention_days) : contains([7, 14], var.cloudtrail_log_retention_days)
    error_message = "cloudtrail_log_retention_days must be 7 or 14 in staging and 30, 60 or 90 in prod."
  }
}
