# Backend settings of staging, read by `terraform init -reconfigure -backend-config=env/staging.backend.hcl` in infra/terraform/live.
# TODO(@platform-team): create the staging state bucket (versioned, SSE-KMS) and put its name here — when `terraform init` succeeds against it
bucket = "plasma-engine-tfstate-staging"
key    = "plasma-engine/staging/terraform.tfstate"
region = "us-east-1"
