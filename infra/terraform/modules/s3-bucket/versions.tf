# Provider and Terraform versions for this module; `terraform init` reads them.
terraform {
  # The same floor as every other module: 1.11 made S3-native state locking generally available.
  required_version = ">= 1.11"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 6.0"
    }
  }
}
