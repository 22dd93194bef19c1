# Denies CloudTrail trails that miss regions or can be tampered with: run by conftest over `terraform show -json` plans.

# METADATA
# title: CloudTrail records every region with validated, encrypted logs
# description: >-
#   Every aws_cloudtrail must be multi-region, include global service events, validate log files,
#   encrypt with a KMS key and not be switched off. A plan for the staging or prod environment
#   (Terraform variable environment) must manage at least one trail.
# related_resources:
#   - ref: https://docs.aws.amazon.com/awscloudtrail/latest/userguide/best-practices-security.html
# custom:
#   id: PE-IAC-007
#   severity: high
#   nist_800_53: [AU-2, AU-3, AU-9, AU-12]
#   owasp: ["A09:2021 Security Logging and Monitoring Failures", "CICD-SEC-10 Insufficient Logging and Visibility"]
#   cis: ["CIS AWS Foundations v5.0.0, Logging: CloudTrail enabled in all regions, log file validation, encrypted with KMS"]
#   remediation: >-
#     Use the cloudtrail module (is_multi_region_trail, include_global_service_events and
#     enable_log_file_validation true, kms_key_id set, enable_logging left at true) in each
#     environment's root module.
package cloudtrail_enabled

import data.lib.tfplan

required_true := ["is_multi_region_trail", "include_global_service_events", "enable_log_file_validation"]

deny contains msg if {
	some trail in tfplan.changes("aws_cloudtrail")
	some attr in required_true
	trail.change.after[attr] != true
	msg := sprintf("PE-IAC-007: %s must set %s = true", [trail.address, attr])
}

deny contains msg if {
	some trail in tfplan.changes("aws_cloudtrail")
	trail.change.after.enable_logging == false
	msg := sprintf("PE-IAC-007: %s has enable_logging = false", [trail.address])
}

deny contains msg if {
	some trail in tfplan.changes("aws_cloudtrail")
	not encrypted(trail)
	msg := sprintf("PE-IAC-007: %s does not encrypt its logs with a KMS key (kms_key_id)", [trail.address])
}

deny contains msg if {
	input.variables.environment.value in {"staging", "prod"}
	count(tfplan.changes("aws_cloudtrail")) == 0
	msg := sprintf("PE-IAC-007: the %s plan manages no aws_cloudtrail trail", [input.variables.environment.value])
}

encrypted(trail) if {
	is_string(trail.change.after.kms_key_id)
	trail.change.after.kms_key_id != ""
}

encrypted(trail) if tfplan.unknown(trail, "kms_key_id")
