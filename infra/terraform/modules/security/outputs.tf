# Outputs of the security module: key ARNs for the other modules and the deploy-role ARNs for CI.

output "kms_key_arns" {
  description = "ARNs of the customer-managed KMS keys by purpose: logs, data, eks and audit."
  value       = { for purpose, key in aws_kms_key.this : purpose => key.arn }
}

output "github_oidc_provider_arn" {
  description = "ARN of the IAM OIDC identity provider for token.actions.githubusercontent.com."
  value       = aws_iam_openid_connect_provider.github.arn
}

output "deploy_role_arns" {
  description = "ARNs of the GitHub Actions deploy roles by short name; put each in the matching GitHub environment as a variable."
  value       = { for key, role in aws_iam_role.deploy : key => role.arn }
}

output "guardduty_detector_id" {
  description = "ID of the GuardDuty detector of this account and region."
  value       = aws_guardduty_detector.this.id
}

output "cloudtrail_arn" {
  description = "ARN of the multi-region CloudTrail trail."
  value       = aws_cloudtrail.this.arn
}

output "cloudtrail_bucket_name" {
  description = "Name of the encrypted S3 bucket holding CloudTrail log files."
  value       = module.trail_bucket.id
}

output "access_log_bucket_name" {
  description = "Name of the S3 bucket receiving server access logs of the CloudTrail bucket."
  value       = module.access_log_bucket.id
}
