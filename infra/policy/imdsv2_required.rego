# Denies EC2 instances and launch templates that accept IMDSv1: run by conftest over `terraform show -json` plans.

# METADATA
# title: EC2 requires IMDSv2
# description: >-
#   aws_instance and aws_launch_template (used by the EKS managed node groups) must set
#   metadata_options.http_tokens = "required" and a hop limit of at most 2, so a server-side request
#   forgery cannot read instance credentials through IMDSv1.
# related_resources:
#   - ref: https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/configuring-IMDS-existing-instances.html
# custom:
#   id: PE-IAC-006
#   severity: high
#   nist_800_53: [AC-3, SC-7, CM-6]
#   owasp: ["A10:2021 Server-Side Request Forgery", "A05:2021 Security Misconfiguration"]
#   cis: ["CIS AWS Foundations v5.0.0, Networking: EC2 Metadata Service only allows IMDSv2"]
#   remediation: >-
#     Add metadata_options { http_endpoint = "enabled", http_tokens = "required",
#     http_put_response_hop_limit = 2 } to the instance or launch template. A hop limit of 2 lets pods
#     on EKS nodes reach IMDS through the node; use 1 where no container needs it.
package imdsv2_required

import data.lib.tfplan

deny contains msg if {
	some type in ["aws_instance", "aws_launch_template"]
	some resource in tfplan.changes(type)
	not requires_tokens(resource)
	msg := sprintf("PE-IAC-006: %s does not set metadata_options.http_tokens = \"required\" (IMDSv1 stays reachable)", [resource.address])
}

deny contains msg if {
	some type in ["aws_instance", "aws_launch_template"]
	some resource in tfplan.changes(type)
	some options in object.get(resource.change.after, "metadata_options", [])
	options.http_put_response_hop_limit > 2
	msg := sprintf("PE-IAC-006: %s sets http_put_response_hop_limit above 2", [resource.address])
}

requires_tokens(resource) if {
	some options in resource.change.after.metadata_options
	options.http_tokens == "required"
}
