# Unit tests for kms_rotation.rego: `conftest verify -p infra/policy` or pytest tests/policy.
package kms_rotation_test

import data.kms_rotation
import data.lib.testing

key(after) := testing.resource("module.security.aws_kms_key.this", after)

test_rotating_key_passes if {
	denials := kms_rotation.deny with input.resource_changes as [key({"enable_key_rotation": true})]
	count(denials) == 0
}

test_key_without_rotation_is_denied if {
	denials := kms_rotation.deny with input.resource_changes as [key({"enable_key_rotation": false})]
	testing.denied(denials, "PE-IAC-003", "without enable_key_rotation = true")
}

test_asymmetric_key_is_skipped if {
	denials := kms_rotation.deny with input.resource_changes as [key({"enable_key_rotation": false, "customer_master_key_spec": "RSA_2048"})]
	count(denials) == 0
}

test_deleted_key_is_ignored if {
	deleted := object.union(key({"enable_key_rotation": false}), {"change": {"actions": ["delete"]}})
	denials := kms_rotation.deny with input.resource_changes as [deleted]
	count(denials) == 0
}
