# Denies data stores without encryption at rest: run by conftest over `terraform show -json` plans.

# METADATA
# title: Data stores are encrypted at rest
# description: >-
#   S3 buckets need a default server-side encryption configuration; RDS instances and clusters,
#   EBS volumes and instance root volumes, ElastiCache replication groups and EKS secrets must be
#   encrypted.
# related_resources:
#   - ref: https://docs.aws.amazon.com/eks/latest/userguide/envelope-encryption.html
# custom:
#   id: PE-IAC-002
#   severity: high
#   nist_800_53: [SC-28, SC-28(1), SC-12]
#   owasp: ["A02:2021 Cryptographic Failures"]
#   cis: ["CIS AWS Foundations v5.0.0, Storage: RDS encryption at rest and EBS default encryption"]
#   remediation: >-
#     Set storage_encrypted = true (RDS), encrypted = true (EBS and root_block_device),
#     at_rest_encryption_enabled = true (ElastiCache), an encryption_config for "secrets" with a KMS
#     key (EKS) and an aws_s3_bucket_server_side_encryption_configuration (S3; prefer aws:kms with a
#     customer key, AES256 only where the service requires it, such as S3 access-log targets).
#     Encryption cannot be switched on in place for RDS or ElastiCache: plan a replacement.
package encryption_at_rest

import data.lib.tfplan

sse_algorithms := {"aws:kms", "aws:kms:dsse", "AES256"}

deny contains msg if {
	some bucket in tfplan.changes("aws_s3_bucket")
	not has_default_encryption(bucket)
	msg := sprintf("PE-IAC-002: %s has no aws_s3_bucket_server_side_encryption_configuration of its own", [bucket.address])
}

deny contains msg if {
	some type in ["aws_db_instance", "aws_rds_cluster"]
	some db in tfplan.changes(type)
	db.change.after.storage_encrypted != true
	msg := sprintf("PE-IAC-002: %s has storage_encrypted unset or false", [db.address])
}

deny contains msg if {
	some volume in tfplan.changes("aws_ebs_volume")
	volume.change.after.encrypted != true
	msg := sprintf("PE-IAC-002: %s is not encrypted", [volume.address])
}

deny contains msg if {
	some instance in tfplan.changes("aws_instance")
	some device in instance.change.after.root_block_device
	device.encrypted != true
	msg := sprintf("PE-IAC-002: %s has an unencrypted root_block_device", [instance.address])
}

deny contains msg if {
	some template in tfplan.changes("aws_launch_template")
	some mapping in template.change.after.block_device_mappings
	some ebs in mapping.ebs
	ebs.encrypted != "true"
	ebs.encrypted != true
	msg := sprintf("PE-IAC-002: %s maps an EBS volume without encrypted = true", [template.address])
}

deny contains msg if {
	some group in tfplan.changes("aws_elasticache_replication_group")
	group.change.after.at_rest_encryption_enabled != true
	msg := sprintf("PE-IAC-002: %s has at_rest_encryption_enabled unset or false", [group.address])
}

deny contains msg if {
	some cluster in tfplan.changes("aws_eks_cluster")
	not encrypts_secrets(cluster)
	msg := sprintf("PE-IAC-002: %s does not envelope-encrypt Kubernetes secrets with KMS (encryption_config)", [cluster.address])
}

has_default_encryption(bucket) if {
	some sse in tfplan.changes("aws_s3_bucket_server_side_encryption_configuration")
	tfplan.companion(bucket, sse)
	some rule in sse.change.after.rule
	some by_default in rule.apply_server_side_encryption_by_default
	by_default.sse_algorithm in sse_algorithms
}

encrypts_secrets(cluster) if {
	some config in cluster.change.after.encryption_config
	"secrets" in config.resources
}
