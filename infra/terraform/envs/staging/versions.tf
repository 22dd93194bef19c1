# Terraform, provider and backend settings of this environment; `terraform init -backend-config=backend.hcl` reads them.
terraform {
  required_version = ">= 1.11"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 6.0"
    }
  }

  # Partial configuration: bucket, key and region come from backend.hcl, so this file stays
  # identical across environments. S3-native locking replaces the deprecated DynamoDB table.
  backend "s3" {
    encrypt      = true
    use_lockfile = true
  }
}
