# Unit tests for cloudfront_security_headers.rego: `conftest verify -p infra/policy` or pytest tests/policy.
package cloudfront_security_headers_test

import data.cloudfront_security_headers
import data.lib.testing

distribution(behaviour) := testing.resource("module.docs_site.aws_cloudfront_distribution.this", {"default_cache_behavior": [behaviour]})

headers(hsts) := testing.resource("module.docs_site.aws_cloudfront_response_headers_policy.security", {"security_headers_config": [{
	"strict_transport_security": [hsts],
	"content_type_options": [{"override": true}],
	"frame_options": [{"frame_option": "DENY", "override": true}],
	"referrer_policy": [{"referrer_policy": "strict-origin-when-cross-origin", "override": true}],
}]})

test_policy_attached_passes if {
	denials := cloudfront_security_headers.deny with input.resource_changes as [
		distribution({"response_headers_policy_id": "67f7725c-6f97-4210-82d7-5512b31e9d03"}),
		headers({"access_control_max_age_sec": 63072000, "include_subdomains": true}),
	]
	count(denials) == 0
}

test_policy_created_in_same_apply_passes if {
	pending := object.union(distribution({}), {"change": {"after_unknown": {"default_cache_behavior": [{"response_headers_policy_id": true}]}}})
	denials := cloudfront_security_headers.deny with input.resource_changes as [pending]
	count(denials) == 0
}

test_behaviour_without_policy_is_denied if {
	denials := cloudfront_security_headers.deny with input.resource_changes as [distribution({})]
	testing.denied(denials, "PE-IAC-012", "without response_headers_policy_id")
}

test_short_hsts_is_denied if {
	denials := cloudfront_security_headers.deny with input.resource_changes as [headers({"access_control_max_age_sec": 3600, "include_subdomains": true})]
	testing.denied(denials, "PE-IAC-012", "Strict-Transport-Security")
}

test_missing_header_is_denied if {
	policy := testing.resource("module.docs_site.aws_cloudfront_response_headers_policy.security", {"security_headers_config": [{
		"strict_transport_security": [{"access_control_max_age_sec": 63072000, "include_subdomains": true}],
		"content_type_options": [{"override": true}],
		"frame_options": [],
		"referrer_policy": [{"referrer_policy": "no-referrer", "override": true}],
	}]})
	denials := cloudfront_security_headers.deny with input.resource_changes as [policy]
	testing.denied(denials, "PE-IAC-012", "frame_options")
}
