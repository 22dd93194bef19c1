# Unit tests for encryption_at_rest.rego: `conftest verify -p infra/policy` or pytest tests/policy.
package encryption_at_rest_test

import data.encryption_at_rest
import data.lib.testing

sse(algorithm) := testing.resource("module.docs_site.module.site_bucket.aws_s3_bucket_server_side_encryption_configuration.this", {
	"bucket": "kb",
	"rule": [{"apply_server_side_encryption_by_default": [{"sse_algorithm": algorithm}]}],
})

db(encrypted) := testing.resource("module.data.aws_db_instance.this", {"storage_encrypted": encrypted})

test_encrypted_stores_pass if {
	denials := encryption_at_rest.deny with input.resource_changes as [
		testing.resource("module.docs_site.module.site_bucket.aws_s3_bucket.this", {"bucket": "kb"}),
		sse("aws:kms"),
		db(true),
		testing.resource("module.data.aws_elasticache_replication_group.this", {"at_rest_encryption_enabled": true}),
		testing.resource("module.compute.aws_ebs_volume.scratch", {"encrypted": true}),
		testing.resource("module.compute.aws_eks_cluster.this", {"encryption_config": [{"resources": ["secrets"]}]}),
	]
	count(denials) == 0
}

test_bucket_without_sse_is_denied if {
	denials := encryption_at_rest.deny with input.resource_changes as [testing.resource("module.docs_site.module.site_bucket.aws_s3_bucket.this", {"bucket": "kb"})]
	testing.denied(denials, "PE-IAC-002", "aws_s3_bucket_server_side_encryption_configuration")
}

test_unencrypted_rds_is_denied if {
	denials := encryption_at_rest.deny with input.resource_changes as [db(false)]
	testing.denied(denials, "PE-IAC-002", "storage_encrypted")
}

test_unencrypted_elasticache_is_denied if {
	denials := encryption_at_rest.deny with input.resource_changes as [testing.resource("module.data.aws_elasticache_replication_group.this", {"at_rest_encryption_enabled": false})]
	testing.denied(denials, "PE-IAC-002", "at_rest_encryption_enabled")
}

test_unencrypted_ebs_is_denied if {
	denials := encryption_at_rest.deny with input.resource_changes as [testing.resource("module.compute.aws_ebs_volume.scratch", {"encrypted": false})]
	testing.denied(denials, "PE-IAC-002", "is not encrypted")
}

test_launch_template_volume_must_be_encrypted if {
	template := testing.resource("module.compute.aws_launch_template.nodes", {"block_device_mappings": [{"ebs": [{"encrypted": "false"}]}]})
	denials := encryption_at_rest.deny with input.resource_changes as [template]
	testing.denied(denials, "PE-IAC-002", "without encrypted = true")
}

test_eks_without_secrets_encryption_is_denied if {
	denials := encryption_at_rest.deny with input.resource_changes as [testing.resource("module.compute.aws_eks_cluster.this", {"encryption_config": []})]
	testing.denied(denials, "PE-IAC-002", "envelope-encrypt")
}
