# Unit tests for imdsv2_required.rego: `conftest verify -p infra/policy` or pytest tests/policy.
package imdsv2_required_test

import data.imdsv2_required
import data.lib.testing

template(options) := testing.resource("module.compute.aws_launch_template.nodes", {"metadata_options": options})

test_required_tokens_pass if {
	denials := imdsv2_required.deny with input.resource_changes as [template([{"http_tokens": "required", "http_put_response_hop_limit": 2}])]
	count(denials) == 0
}

test_optional_tokens_are_denied if {
	denials := imdsv2_required.deny with input.resource_changes as [template([{"http_tokens": "optional", "http_put_response_hop_limit": 1}])]
	testing.denied(denials, "PE-IAC-006", "http_tokens")
}

test_missing_metadata_options_are_denied if {
	instance := testing.resource("module.compute.aws_instance.runner", {"metadata_options": []})
	denials := imdsv2_required.deny with input.resource_changes as [instance]
	testing.denied(denials, "PE-IAC-006", "aws_instance.runner")
}

test_high_hop_limit_is_denied if {
	denials := imdsv2_required.deny with input.resource_changes as [template([{"http_tokens": "required", "http_put_response_hop_limit": 5}])]
	testing.denied(denials, "PE-IAC-006", "hop_limit")
}
