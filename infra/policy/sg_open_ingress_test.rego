# Unit tests for sg_open_ingress.rego: `conftest verify -p infra/policy` or pytest tests/policy.
package sg_open_ingress_test

import data.lib.testing
import data.sg_open_ingress

ingress(port, cidr) := {"from_port": port, "to_port": port, "protocol": "tcp", "cidr_blocks": [cidr], "ipv6_cidr_blocks": []}

group(name, rules, tags) := testing.resource(concat(".", ["module.compute.aws_security_group", name]), {
	"ingress": rules,
	"tags": object.union(testing.tags, tags),
	"tags_all": object.union(testing.tags, tags),
})

test_load_balancer_may_open_443_and_80 if {
	alb := group("alb", [ingress(443, "0.0.0.0/0"), ingress(80, "0.0.0.0/0")], {"Exposure": "internet-facing-lb"})
	denials := sg_open_ingress.deny with input.resource_changes as [alb]
	count(denials) == 0
}

test_internal_cidr_passes if {
	denials := sg_open_ingress.deny with input.resource_changes as [group("endpoints", [ingress(443, "10.20.0.0/16")], {})]
	count(denials) == 0
}

test_ssh_from_anywhere_is_denied if {
	denials := sg_open_ingress.deny with input.resource_changes as [group("bastion", [ingress(22, "0.0.0.0/0")], {})]
	testing.denied(denials, "PE-IAC-004", "ports 22-22")
}

test_https_from_anywhere_on_untagged_group_is_denied if {
	denials := sg_open_ingress.deny with input.resource_changes as [group("app", [ingress(443, "0.0.0.0/0")], {})]
	testing.denied(denials, "PE-IAC-004", "aws_security_group.app")
}

test_ipv6_world_rule_is_denied if {
	rule := testing.resource("module.compute.aws_vpc_security_group_ingress_rule.db", {"cidr_ipv6": "::/0", "from_port": 5432, "to_port": 5432})
	denials := sg_open_ingress.deny with input.resource_changes as [rule]
	testing.denied(denials, "PE-IAC-004", "5432")
}

test_untaggable_rule_may_never_open_to_world if {
	rule := testing.resource("module.compute.aws_security_group_rule.https", {"type": "ingress", "cidr_blocks": ["0.0.0.0/0"], "from_port": 443, "to_port": 443})
	denials := sg_open_ingress.deny with input.resource_changes as [rule]
	testing.denied(denials, "PE-IAC-004", "aws_vpc_security_group_ingress_rule")
}
