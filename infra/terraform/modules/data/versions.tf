# Provider and Terraform versions for this module; `terraform init` reads them.
terraform {
  # 1.11 made S3-native state locking (use_lockfile) generally available; 1.9 allowed
  # validation conditions to refer to other variables, which several inputs here rely on.
  required_version = ">= 1.11"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 6.0"
    }
  }
}
