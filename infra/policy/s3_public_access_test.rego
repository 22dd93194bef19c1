# Unit tests for s3_public_access.rego: `conftest verify -p infra/policy` or pytest tests/policy.
package s3_public_access_test

import data.lib.testing
import data.s3_public_access

block(overrides) := testing.resource("module.docs_site.module.site_bucket.aws_s3_bucket_public_access_block.this", object.union(
	{"bucket": "kb", "block_public_acls": true, "block_public_policy": true, "ignore_public_acls": true, "restrict_public_buckets": true},
	overrides,
))

test_bucket_with_full_block_passes if {
	denials := s3_public_access.deny with input.resource_changes as [testing.resource("module.docs_site.module.site_bucket.aws_s3_bucket.this", {"bucket": "kb"}), block({})]
	count(denials) == 0
}

test_bucket_without_block_is_denied if {
	denials := s3_public_access.deny with input.resource_changes as [testing.resource("module.docs_site.module.site_bucket.aws_s3_bucket.this", {"bucket": "kb"})]
	testing.denied(denials, "PE-IAC-001", "has no aws_s3_bucket_public_access_block")
}

test_block_with_a_false_flag_is_denied if {
	denials := s3_public_access.deny with input.resource_changes as [testing.resource("module.docs_site.module.site_bucket.aws_s3_bucket.this", {"bucket": "kb"}), block({"block_public_policy": false})]
	testing.denied(denials, "PE-IAC-001", "block_public_policy")
}

test_block_of_another_bucket_does_not_count if {
	other := testing.resource("module.docs_site.module.site_bucket.aws_s3_bucket_public_access_block.logs", {"bucket": "logs", "block_public_acls": true, "block_public_policy": true, "ignore_public_acls": true, "restrict_public_buckets": true})
	denials := s3_public_access.deny with input.resource_changes as [testing.resource("module.docs_site.module.site_bucket.aws_s3_bucket.this", {"bucket": "kb"}), other]
	testing.denied(denials, "PE-IAC-001", "aws_s3_bucket.this")
}
