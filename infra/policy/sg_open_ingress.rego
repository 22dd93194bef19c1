# Denies security-group ingress from the whole internet: run by conftest over `terraform show -json` plans.

# METADATA
# title: No internet ingress except HTTP/HTTPS to load balancers
# description: >-
#   Ingress from 0.0.0.0/0 or ::/0 is allowed only on ports 80 and 443 and only on security groups
#   (or aws_vpc_security_group_ingress_rule resources) tagged Exposure = internet-facing-lb.
#   aws_security_group_rule cannot carry tags, so it may never open a port to the internet.
# related_resources:
#   - ref: https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html
# custom:
#   id: PE-IAC-004
#   severity: critical
#   nist_800_53: [SC-7, SC-7(5), AC-4, CM-7]
#   owasp: ["A05:2021 Security Misconfiguration"]
#   cis: ["CIS AWS Foundations v5.0.0, Networking: no security group allows ingress from 0.0.0.0/0 or ::/0 to remote administration ports"]
#   remediation: >-
#     Put the service behind the ALB (whose security group is the only one tagged
#     Exposure = internet-facing-lb) and allow ingress from the ALB's security group instead of a
#     CIDR. Reach hosts through SSM Session Manager rather than opening 22 or 3389.
package sg_open_ingress

import data.lib.tfplan

world := {"0.0.0.0/0", "::/0"}

web_ports := {80, 443}

deny contains msg if {
	some group in tfplan.changes("aws_security_group")
	some rule in object.get(group.change.after, "ingress", [])
	open_to_world(array.concat(object.get(rule, "cidr_blocks", []), object.get(rule, "ipv6_cidr_blocks", [])))
	not allowed(group, rule.from_port, rule.to_port)
	msg := sprintf("PE-IAC-004: %s allows ingress from the internet on ports %v-%v", [group.address, rule.from_port, rule.to_port])
}

deny contains msg if {
	some rule in tfplan.changes("aws_vpc_security_group_ingress_rule")
	open_to_world([object.get(rule.change.after, "cidr_ipv4", ""), object.get(rule.change.after, "cidr_ipv6", "")])
	not allowed(rule, rule.change.after.from_port, rule.change.after.to_port)
	msg := sprintf("PE-IAC-004: %s allows ingress from the internet on ports %v-%v", [rule.address, rule.change.after.from_port, rule.change.after.to_port])
}

deny contains msg if {
	some rule in tfplan.changes("aws_security_group_rule")
	rule.change.after.type == "ingress"
	open_to_world(array.concat(object.get(rule.change.after, "cidr_blocks", []), object.get(rule.change.after, "ipv6_cidr_blocks", [])))
	msg := sprintf("PE-IAC-004: %s opens ingress to the internet; use a tagged aws_vpc_security_group_ingress_rule on the load balancer", [rule.address])
}

open_to_world(cidrs) if {
	some cidr in cidrs
	cidr in world
}

# A single web port, on a resource tagged as the internet-facing load balancer.
allowed(resource, from_port, to_port) if {
	from_port == to_port
	from_port in web_ports
	tfplan.tags(resource).Exposure == "internet-facing-lb"
}
