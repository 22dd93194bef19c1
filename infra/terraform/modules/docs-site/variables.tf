# Inputs of the docs-site module: domain, certificate, headers and log retention of the knowledge base.

variable "name" {
  type        = string
  description = "Name prefix for every resource, e.g. `plasma-kb-prod`."

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,30}[a-z0-9]$", var.name))
    error_message = "name must be 3-32 characters of lower-case letters, digits and hyphens, starting with a letter."
  }
}

variable "environment" {
  type        = string
  description = "Deployment environment; selects the log retention bounds and is written into the tags."

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

variable "domain_names" {
  type        = list(string)
  description = "Host names the distribution answers to; each must be covered by the ACM certificate."

  validation {
    condition     = length(var.domain_names) > 0 && alltrue([for d in var.domain_names : can(regex("^([a-z0-9]([a-z0-9-]*[a-z0-9])?\\.)+[a-z]{2,}$", d))])
    error_message = "domain_names must list at least one lower-case DNS name."
  }
}

variable "acm_certificate_arn" {
  type        = string
  description = "ARN of the ACM certificate for domain_names; CloudFront only accepts certificates from us-east-1."

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:acm:us-east-1:[0-9]{12}:certificate/", var.acm_certificate_arn))
    error_message = "acm_certificate_arn must be an ACM certificate ARN in us-east-1."
  }
}

variable "price_class" {
  type        = string
  description = "CloudFront price class: PriceClass_100 (North America, Europe), PriceClass_200 or PriceClass_All."
  default     = "PriceClass_100"

  validation {
    condition     = contains(["PriceClass_100", "PriceClass_200", "PriceClass_All"], var.price_class)
    error_message = "price_class must be PriceClass_100, PriceClass_200 or PriceClass_All."
  }
}

variable "content_security_policy" {
  type        = string
  description = "Content-Security-Policy header value. Material for MkDocs inlines small bootstrap scripts and loads Google Fonts, hence 'unsafe-inline' and the two font hosts."
  default     = "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline' https://fonts.googleapis.com; font-src 'self' data: https://fonts.gstatic.com; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"

  validation {
    condition     = strcontains(var.content_security_policy, "frame-ancestors 'none'") && !strcontains(var.content_security_policy, "*")
    error_message = "content_security_policy must keep frame-ancestors 'none' and must not contain wildcards."
  }
}

variable "hsts_max_age_seconds" {
  type        = number
  description = "max-age of the Strict-Transport-Security header in seconds; at least one year (31536000)."
  default     = 63072000

  validation {
    condition     = var.hsts_max_age_seconds >= 31536000
    error_message = "hsts_max_age_seconds must be at least 31536000 (one year)."
  }
}

variable "access_log_retention_days" {
  type        = number
  description = "Days CloudFront and S3 access logs are kept: 7 or 14 in staging, 30, 60 or 90 in prod."

  validation {
    condition     = var.environment == "prod" ? contains([30, 60, 90], var.access_log_retention_days) : contains([7, 14], var.access_log_retention_days)
    error_message = "access_log_retention_days must be 7 or 14 in staging and 30, 60 or 90 in prod."
  }
}
