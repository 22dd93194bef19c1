# Unit tests for cloudfront_tls.rego: `conftest verify -p infra/policy` or pytest tests/policy.
package cloudfront_tls_test

import data.cloudfront_tls
import data.lib.testing

distribution(certificate, policy) := testing.resource("module.docs_site.aws_cloudfront_distribution.this", {
	"viewer_certificate": [certificate],
	"default_cache_behavior": [{"viewer_protocol_policy": policy}],
	"ordered_cache_behavior": [],
})

test_modern_tls_passes if {
	denials := cloudfront_tls.deny with input.resource_changes as [distribution({"cloudfront_default_certificate": false, "minimum_protocol_version": "TLSv1.2_2021"}, "redirect-to-https")]
	count(denials) == 0
}

test_old_tls_is_denied if {
	denials := cloudfront_tls.deny with input.resource_changes as [distribution({"cloudfront_default_certificate": false, "minimum_protocol_version": "TLSv1.1_2016"}, "https-only")]
	testing.denied(denials, "PE-IAC-011", "older than TLSv1.2_2021")
}

test_default_certificate_is_denied if {
	denials := cloudfront_tls.deny with input.resource_changes as [distribution({"cloudfront_default_certificate": true, "minimum_protocol_version": "TLSv1"}, "redirect-to-https")]
	testing.denied(denials, "PE-IAC-011", "default CloudFront certificate")
}

test_plain_http_is_denied if {
	denials := cloudfront_tls.deny with input.resource_changes as [distribution({"cloudfront_default_certificate": false, "minimum_protocol_version": "TLSv1.2_2021"}, "allow-all")]
	testing.denied(denials, "PE-IAC-011", "allow-all")
}
