# Outputs of the s3-bucket module, read by the module that owns the bucket.

output "id" {
  description = "Name of the bucket."
  value       = aws_s3_bucket.this.id
}

output "arn" {
  description = "ARN of the bucket, for policies and grants."
  value       = aws_s3_bucket.this.arn
}

output "bucket_domain_name" {
  description = "Global domain name of the bucket, for CloudFront standard logging."
  value       = aws_s3_bucket.this.bucket_domain_name
}

output "bucket_regional_domain_name" {
  description = "Regional domain name of the bucket, for a CloudFront origin."
  value       = aws_s3_bucket.this.bucket_regional_domain_name
}
