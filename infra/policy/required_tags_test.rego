# Unit tests for required_tags.rego: `conftest verify -p infra/policy` or pytest tests/policy.
package required_tags_test

import data.lib.testing
import data.required_tags

tagged(tags) := object.union(testing.resource("module.data.aws_db_instance.this", {}), {"change": {"after": {"tags": tags, "tags_all": tags}}})

test_fully_tagged_resource_passes if {
	denials := required_tags.deny with input.resource_changes as [testing.resource("module.data.aws_db_instance.this", {})]
	count(denials) == 0
}

test_missing_tag_is_denied if {
	denials := required_tags.deny with input.resource_changes as [tagged({"Project": "plasma-engine", "Environment": "prod"})]
	testing.denied(denials, "PE-IAC-009", "missing the ManagedBy tag")
}

test_unknown_environment_is_denied if {
	denials := required_tags.deny with input.resource_changes as [tagged({"Project": "plasma-engine", "Environment": "production", "ManagedBy": "terraform"})]
	testing.denied(denials, "PE-IAC-009", "use dev, staging or prod")
}

test_default_tags_count if {
	defaults := {"Project": "plasma-engine", "Environment": "staging", "ManagedBy": "terraform"}
	resource := object.union(testing.resource("module.data.aws_db_instance.this", {}), {"change": {"after": {"tags": null, "tags_all": defaults}}})
	denials := required_tags.deny with input.resource_changes as [resource]
	count(denials) == 0
}

test_untaggable_resource_is_skipped if {
	policy := {"address": "aws_iam_role_policy.x", "mode": "managed", "type": "aws_iam_role_policy", "name": "x", "change": {"actions": ["create"], "after": {"policy": "{}"}, "after_unknown": {}}}
	denials := required_tags.deny with input.resource_changes as [policy]
	count(denials) == 0
}
