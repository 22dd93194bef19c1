# Denies VPCs without flow logs: run by conftest over `terraform show -json` plans.

# METADATA
# title: VPC flow logs are on
# description: >-
#   Every aws_vpc needs an aws_flow_log in the same module that records ALL traffic (accepted and
#   rejected), so incident responders can see who talked to what.
# related_resources:
#   - ref: https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs.html
# custom:
#   id: PE-IAC-008
#   severity: medium
#   nist_800_53: [AU-2, AU-12, SI-4]
#   owasp: ["A09:2021 Security Logging and Monitoring Failures"]
#   cis: ["CIS AWS Foundations v5.0.0, Logging: VPC flow logging enabled in all VPCs"]
#   remediation: >-
#     Add an aws_flow_log with traffic_type = "ALL" for the VPC (the vpc module does this when
#     flow_log_destination_arn is set), delivering to CloudWatch Logs or S3.
package vpc_flow_logs

import data.lib.tfplan

deny contains msg if {
	some vpc in tfplan.changes("aws_vpc")
	not logged(vpc)
	msg := sprintf("PE-IAC-008: %s has no aws_flow_log with traffic_type ALL in its module", [vpc.address])
}

logged(vpc) if {
	some log in tfplan.changes("aws_flow_log")
	tfplan.same_module(vpc, log)
	log.change.after.traffic_type == "ALL"
}
