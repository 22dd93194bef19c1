# Denies S3 buckets that can be made public: run by conftest over `terraform show -json` plans.

# METADATA
# title: S3 buckets block all public access
# description: >-
#   Every aws_s3_bucket needs its own aws_s3_bucket_public_access_block (same module, and the same
#   resource name or bucket name) with block_public_acls, block_public_policy, ignore_public_acls and
#   restrict_public_buckets all true.
# related_resources:
#   - ref: https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html
# custom:
#   id: PE-IAC-001
#   severity: critical
#   nist_800_53: [AC-3, AC-4, SC-7]
#   owasp: ["A01:2021 Broken Access Control", "A05:2021 Security Misconfiguration"]
#   cis: ["CIS AWS Foundations v5.0.0, Storage: S3 Block Public Access enabled"]
#   remediation: >-
#     Create the bucket through infra/terraform/modules/s3-bucket, which adds an
#     aws_s3_bucket_public_access_block with the four block_* and restrict_* arguments set to true;
#     serve public content through CloudFront with origin access control instead of a public bucket.
package s3_public_access

import data.lib.tfplan

flags := ["block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets"]

deny contains msg if {
	some bucket in tfplan.changes("aws_s3_bucket")
	not has_block(bucket)
	msg := sprintf("PE-IAC-001: %s has no aws_s3_bucket_public_access_block of its own", [bucket.address])
}

deny contains msg if {
	some block in tfplan.changes("aws_s3_bucket_public_access_block")
	some flag in flags
	block.change.after[flag] != true
	msg := sprintf("PE-IAC-001: %s sets %s to false; all four public-access flags must be true", [block.address, flag])
}

has_block(bucket) if {
	some block in tfplan.changes("aws_s3_bucket_public_access_block")
	tfplan.companion(bucket, block)
}
