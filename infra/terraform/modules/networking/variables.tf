# Inputs of the networking module: the VPC CIDR plan, NAT layout and flow-log settings.

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

variable "vpc_cidr" {
  type        = string
  description = "IPv4 CIDR block of the VPC, between /16 and /20 so three tiers of three subnets fit."

  validation {
    condition     = can(cidrhost(var.vpc_cidr, 0)) && tonumber(split("/", var.vpc_cidr)[1]) >= 16 && tonumber(split("/", var.vpc_cidr)[1]) <= 20
    error_message = "vpc_cidr must be a valid IPv4 CIDR block with a prefix length from /16 to /20."
  }
}

variable "availability_zones" {
  type        = list(string)
  description = "Exactly three availability zones; subnet lists are indexed in the same order."

  validation {
    condition     = length(var.availability_zones) == 3 && length(distinct(var.availability_zones)) == 3
    error_message = "availability_zones must list three distinct zones."
  }
}

variable "public_subnet_cidrs" {
  type        = list(string)
  description = "Three CIDR blocks for the public subnets (load balancers and NAT gateways only), one per zone."

  validation {
    condition     = length(var.public_subnet_cidrs) == 3 && alltrue([for c in var.public_subnet_cidrs : can(cidrhost(c, 0))])
    error_message = "public_subnet_cidrs must hold three valid IPv4 CIDR blocks."
  }
}

variable "private_subnet_cidrs" {
  type        = list(string)
  description = "Three CIDR blocks for the private subnets (EKS nodes and pods), one per zone; size them for the VPC CNI's one IP per pod."

  validation {
    condition     = length(var.private_subnet_cidrs) == 3 && alltrue([for c in var.private_subnet_cidrs : can(cidrhost(c, 0))])
    error_message = "private_subnet_cidrs must hold three valid IPv4 CIDR blocks."
  }
}

variable "data_subnet_cidrs" {
  type        = list(string)
  description = "Three CIDR blocks for the data subnets (RDS, ElastiCache), one per zone; they get no route to the internet."

  validation {
    condition     = length(var.data_subnet_cidrs) == 3 && alltrue([for c in var.data_subnet_cidrs : can(cidrhost(c, 0))])
    error_message = "data_subnet_cidrs must hold three valid IPv4 CIDR blocks."
  }
}

variable "nat_gateway_mode" {
  type        = string
  description = "`per_az` puts one NAT gateway in each zone (prod: a zone outage keeps egress); `single` shares one (staging: a third of the cost)."

  validation {
    condition     = contains(["per_az", "single"], var.nat_gateway_mode)
    error_message = "nat_gateway_mode must be per_az or single."
  }
}

variable "interface_endpoint_services" {
  type        = set(string)
  description = "AWS services reached through interface VPC endpoints instead of the NAT gateways (the S3 gateway endpoint is always created)."
  default     = ["ecr.api", "ecr.dkr", "sts"]

  validation {
    condition     = alltrue([for s in var.interface_endpoint_services : can(regex("^[a-z0-9][a-z0-9.-]*$", s))])
    error_message = "interface_endpoint_services must be service suffixes such as ecr.api or sts."
  }
}

variable "flow_log_traffic_type" {
  type        = string
  description = "Which traffic the VPC flow log records: ACCEPT, REJECT or ALL."
  default     = "ALL"

  validation {
    condition     = contains(["ACCEPT", "REJECT", "ALL"], var.flow_log_traffic_type)
    error_message = "flow_log_traffic_type must be ACCEPT, REJECT or ALL."
  }
}

variable "flow_log_retention_days" {
  type        = number
  description = "Days CloudWatch keeps the flow log: 7 or 14 in staging, 30, 60 or 90 in prod."

  validation {
    condition     = var.environment == "prod" ? contains([30, 60, 90], var.flow_log_retention_days) : contains([7, 14], var.flow_log_retention_days)
    error_message = "flow_log_retention_days must be 7 or 14 in staging and 30, 60 or 90 in prod."
  }
}

variable "log_kms_key_arn" {
  type        = string
  description = "ARN of the KMS key that encrypts the flow-log group (the security module's `logs` key)."

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/", var.log_kms_key_arn))
    error_message = "log_kms_key_arn must be a KMS key ARN."
  }
}
