# Denies CloudFront distributions without browser security headers: run by conftest over `terraform show -json` plans.

# METADATA
# title: CloudFront adds security headers
# description: >-
#   Every cache behaviour of an aws_cloudfront_distribution must attach a response headers policy,
#   and every aws_cloudfront_response_headers_policy must send Strict-Transport-Security (at least
#   one year, with subdomains), X-Content-Type-Options, X-Frame-Options and Referrer-Policy.
# related_resources:
#   - ref: https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/adding-response-headers.html
# custom:
#   id: PE-IAC-012
#   severity: medium
#   nist_800_53: [SC-8, SI-10, CM-6]
#   owasp: ["A05:2021 Security Misconfiguration"]
#   cis: []
#   remediation: >-
#     Create an aws_cloudfront_response_headers_policy with security_headers_config
#     (strict_transport_security access_control_max_age_sec = 31536000, include_subdomains = true;
#     content_type_options; frame_options DENY; referrer_policy strict-origin-when-cross-origin) and
#     set response_headers_policy_id on every cache behaviour.
package cloudfront_security_headers

import data.lib.tfplan

one_year_seconds := 31536000

headers := ["strict_transport_security", "content_type_options", "frame_options", "referrer_policy"]

deny contains msg if {
	some distribution in tfplan.changes("aws_cloudfront_distribution")
	some kind in ["default_cache_behavior", "ordered_cache_behavior"]
	some i, behaviour in object.get(distribution.change.after, kind, [])
	not has_headers_policy(distribution, kind, i, behaviour)
	msg := sprintf("PE-IAC-012: %s has a %s without response_headers_policy_id", [distribution.address, kind])
}

deny contains msg if {
	some policy in tfplan.changes("aws_cloudfront_response_headers_policy")
	some header in headers
	not configured(policy, header)
	msg := sprintf("PE-IAC-012: %s does not set security_headers_config.%s", [policy.address, header])
}

deny contains msg if {
	some policy in tfplan.changes("aws_cloudfront_response_headers_policy")
	some config in policy.change.after.security_headers_config
	some hsts in config.strict_transport_security
	not strong_hsts(hsts)
	msg := sprintf("PE-IAC-012: %s sends Strict-Transport-Security for under a year or without subdomains", [policy.address])
}

has_headers_policy(_, _, _, behaviour) if {
	is_string(behaviour.response_headers_policy_id)
	behaviour.response_headers_policy_id != ""
}

# The policy is created in the same apply, so its id is only known then.
has_headers_policy(distribution, kind, i, _) if {
	distribution.change.after_unknown[kind][i].response_headers_policy_id == true
}

configured(policy, header) if {
	some config in policy.change.after.security_headers_config
	count(config[header]) > 0
}

strong_hsts(hsts) if {
	hsts.access_control_max_age_sec >= one_year_seconds
	hsts.include_subdomains == true
}
