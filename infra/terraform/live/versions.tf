# Terraform, provider and backend settings of the root; `terraform init -backend-config=env/<environment>.backend.hcl` completes the backend.
terraform {
  required_version = ">= 1.11"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 6.0"
    }
  }

  # Partial configuration: bucket, key and region come from env/<environment>.backend.hcl, so one
  # root serves every environment. S3-native locking replaces the deprecated DynamoDB table.
  backend "s3" {
    encrypt      = true
    use_lockfile = true
  }
}
