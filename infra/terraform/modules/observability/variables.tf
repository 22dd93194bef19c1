# Inputs of the observability module: services whose logs are kept, retention and encryption.

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
  description = "Deployment environment; selects the retention bounds and is written into the tags."

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

variable "services" {
  type        = set(string)
  description = "Platform services that get a log group `/plasma-engine/<environment>/<service>`."
  default     = ["gateway", "research", "brand", "content", "agent", "frontend"]

  validation {
    condition     = alltrue([for s in var.services : can(regex("^[a-z][a-z0-9-]*$", s))])
    error_message = "services must be lower-case names such as gateway or research."
  }
}

variable "log_retention_days" {
  type        = number
  description = "Days CloudWatch keeps service logs: 7 or 14 in staging, 30, 60 or 90 in prod (the platform's retention policy)."

  validation {
    condition     = var.environment == "prod" ? contains([30, 60, 90], var.log_retention_days) : contains([7, 14], var.log_retention_days)
    error_message = "log_retention_days must be 7 or 14 in staging and 30, 60 or 90 in prod."
  }
}

variable "kms_key_arn" {
  type        = string
  description = "ARN of the KMS key for log groups, the Prometheus workspace and the alarm topics (the security module's `logs` key)."

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN."
  }
}

variable "alarm_severities" {
  type        = set(string)
  description = "One SNS alarm topic per severity: `page` wakes the on-call engineer, `ticket` opens work for business hours."
  default     = ["page", "ticket"]

  validation {
    condition     = length(setsubtract(var.alarm_severities, ["page", "ticket"])) == 0 && length(var.alarm_severities) > 0
    error_message = "alarm_severities may only contain page and ticket."
  }
}
