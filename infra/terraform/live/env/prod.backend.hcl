# Backend settings of prod, read by `terraform init -reconfigure -backend-config=env/prod.backend.hcl` in infra/terraform/live.
# TODO(@platform-team): create the prod state bucket (versioned, SSE-KMS) and put its name here — when `terraform init` succeeds against it
bucket = "plasma-engine-tfstate-prod"
key    = "plasma-engine/prod/terraform.tfstate"
region = "us-east-1"
