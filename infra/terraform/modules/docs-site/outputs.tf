# Outputs of the docs-site module, read by the deploy job (`aws s3 sync`, CloudFront invalidation).

output "site_bucket_name" {
  description = "Name of the private S3 bucket the built site/ folder is synced to."
  value       = module.site_bucket.id
}

output "site_bucket_arn" {
  description = "ARN of the site bucket, for the deploy role's policy."
  value       = module.site_bucket.arn
}

output "distribution_id" {
  description = "ID of the CloudFront distribution, for `aws cloudfront create-invalidation`."
  value       = aws_cloudfront_distribution.this.id
}

output "distribution_arn" {
  description = "ARN of the CloudFront distribution, for the deploy role's policy."
  value       = aws_cloudfront_distribution.this.arn
}

output "distribution_domain_name" {
  description = "CloudFront domain name to point the DNS alias records at."
  value       = aws_cloudfront_distribution.this.domain_name
}

output "log_bucket_name" {
  description = "Name of the S3 bucket holding CloudFront and S3 access logs."
  value       = module.log_bucket.id
}
