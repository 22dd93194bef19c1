# Unit tests for vpc_flow_logs.rego: `conftest verify -p infra/policy` or pytest tests/policy.
package vpc_flow_logs_test

import data.lib.testing
import data.vpc_flow_logs

flow_log(traffic) := testing.resource("module.networking.aws_flow_log.this", {"traffic_type": traffic})

test_vpc_with_flow_log_passes if {
	denials := vpc_flow_logs.deny with input.resource_changes as [testing.resource("module.networking.aws_vpc.this", {}), flow_log("ALL")]
	count(denials) == 0
}

test_vpc_without_flow_log_is_denied if {
	denials := vpc_flow_logs.deny with input.resource_changes as [testing.resource("module.networking.aws_vpc.this", {})]
	testing.denied(denials, "PE-IAC-008", "aws_vpc.this")
}

test_reject_only_flow_log_is_denied if {
	denials := vpc_flow_logs.deny with input.resource_changes as [testing.resource("module.networking.aws_vpc.this", {}), flow_log("REJECT")]
	testing.denied(denials, "PE-IAC-008", "traffic_type ALL")
}

test_flow_log_in_another_module_does_not_count if {
	other := testing.resource("module.other.aws_flow_log.this", {"traffic_type": "ALL"})
	denials := vpc_flow_logs.deny with input.resource_changes as [testing.resource("module.networking.aws_vpc.this", {}), other]
	testing.denied(denials, "PE-IAC-008", "in its module")
}
