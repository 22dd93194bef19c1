# Unit tests for cloudtrail_enabled.rego: `conftest verify -p infra/policy` or pytest tests/policy.
package cloudtrail_enabled_test

import data.cloudtrail_enabled
import data.lib.testing

trail(overrides) := testing.resource("module.security.aws_cloudtrail.this", object.union(
	{"is_multi_region_trail": true, "include_global_service_events": true, "enable_log_file_validation": true, "enable_logging": true, "kms_key_id": "arn:aws:kms:eu-west-1:111122223333:key/audit"},
	overrides,
))

test_hardened_trail_passes if {
	denials := cloudtrail_enabled.deny with input.resource_changes as [trail({})] with input.variables as {"environment": {"value": "prod"}}
	count(denials) == 0
}

test_single_region_trail_is_denied if {
	denials := cloudtrail_enabled.deny with input.resource_changes as [trail({"is_multi_region_trail": false})]
	testing.denied(denials, "PE-IAC-007", "is_multi_region_trail")
}

test_stopped_trail_is_denied if {
	denials := cloudtrail_enabled.deny with input.resource_changes as [trail({"enable_logging": false})]
	testing.denied(denials, "PE-IAC-007", "enable_logging = false")
}

test_unencrypted_trail_is_denied if {
	denials := cloudtrail_enabled.deny with input.resource_changes as [trail({"kms_key_id": null})]
	testing.denied(denials, "PE-IAC-007", "kms_key_id")
}

test_prod_plan_without_trail_is_denied if {
	denials := cloudtrail_enabled.deny with input.resource_changes as [] with input.variables as {"environment": {"value": "prod"}}
	testing.denied(denials, "PE-IAC-007", "manages no aws_cloudtrail")
}

test_dev_plan_without_trail_passes if {
	denials := cloudtrail_enabled.deny with input.resource_changes as [] with input.variables as {"environment": {"value": "dev"}}
	count(denials) == 0
}
