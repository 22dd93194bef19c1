# Inputs of the compute module: EKS version, network placement, encryption keys and node groups.

variable "name" {
  type        = string
  description = "Name of the EKS cluster and prefix of its resources, e.g. `plasma-staging`."

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

variable "kubernetes_version" {
  type        = string
  description = "Kubernetes minor version of the control plane, e.g. `1.34`; upgrade one minor version at a time."
  default     = "1.34"

  validation {
    condition     = can(regex("^1\\.[0-9]{2}$", var.kubernetes_version))
    error_message = "kubernetes_version must look like 1.34."
  }
}

variable "subnet_ids" {
  type        = list(string)
  description = "Private subnets for the control-plane network interfaces and the nodes, at least two zones (the networking module's private_subnet_ids)."

  validation {
    condition     = length(var.subnet_ids) >= 2
    error_message = "subnet_ids must list at least two subnets in different zones."
  }
}

variable "endpoint_public_access" {
  type        = bool
  description = "Expose the Kubernetes API endpoint on the internet as well as inside the VPC; off by default, reach the API through the VPC."
  default     = false
}

variable "public_access_cidrs" {
  type        = list(string)
  description = "CIDR blocks allowed to reach the public API endpoint when endpoint_public_access is true; never 0.0.0.0/0."
  default     = []

  validation {
    condition     = alltrue([for c in var.public_access_cidrs : can(cidrhost(c, 0)) && c != "0.0.0.0/0"])
    error_message = "public_access_cidrs must be valid CIDR blocks other than 0.0.0.0/0."
  }
}

variable "secrets_kms_key_arn" {
  type        = string
  description = "ARN of the KMS key for envelope encryption of Kubernetes secrets (the security module's `eks` key)."

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/", var.secrets_kms_key_arn))
    error_message = "secrets_kms_key_arn must be a KMS key ARN."
  }
}

variable "log_kms_key_arn" {
  type        = string
  description = "ARN of the KMS key for the control-plane log group (the security module's `logs` key)."

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/", var.log_kms_key_arn))
    error_message = "log_kms_key_arn must be a KMS key ARN."
  }
}

variable "log_retention_days" {
  type        = number
  description = "Days CloudWatch keeps control-plane logs: 7 or 14 in staging, 30, 60 or 90 in prod."

  validation {
    condition     = var.environment == "prod" ? contains([30, 60, 90], var.log_retention_days) : contains([7, 14], var.log_retention_days)
    error_message = "log_retention_days must be 7 or 14 in staging and 30, 60 or 90 in prod."
  }
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
  description = "Managed node groups by name: instance types, ON_DEMAND or SPOT, scaling bounds, root volume size in GiB and Kubernetes labels."

  validation {
    condition     = length(var.node_groups) > 0 && alltrue([for g in values(var.node_groups) : g.min_size <= g.desired_size && g.desired_size <= g.max_size && g.min_size >= 0])
    error_message = "Each node group needs 0 <= min_size <= desired_size <= max_size, and at least one group must exist."
  }

  validation {
    condition     = alltrue([for g in values(var.node_groups) : contains(["ON_DEMAND", "SPOT"], g.capacity_type) && g.disk_size_gib >= 20])
    error_message = "capacity_type must be ON_DEMAND or SPOT and disk_size_gib at least 20."
  }
}

variable "access_entries" {
  type = map(object({
    principal_arn = string
    policy        = string
    namespaces    = optional(list(string), [])
  }))
  description = "IAM principals granted Kubernetes access by name: an EKS access policy (AmazonEKSClusterAdminPolicy, AmazonEKSAdminPolicy, AmazonEKSEditPolicy or AmazonEKSViewPolicy) and, when set, the namespaces it is limited to."
  default     = {}

  validation {
    condition     = alltrue([for e in values(var.access_entries) : contains(["AmazonEKSClusterAdminPolicy", "AmazonEKSAdminPolicy", "AmazonEKSEditPolicy", "AmazonEKSViewPolicy"], e.policy)])
    error_message = "policy must be AmazonEKSClusterAdminPolicy, AmazonEKSAdminPolicy, AmazonEKSEditPolicy or AmazonEKSViewPolicy."
  }

  validation {
    condition     = alltrue([for e in values(var.access_entries) : can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:(role|user)/", e.principal_arn))])
    error_message = "principal_arn must be an IAM role or user ARN."
  }
}
