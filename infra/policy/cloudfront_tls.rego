# Denies CloudFront distributions that accept old TLS or plain HTTP: run by conftest over `terraform show -json` plans.

# METADATA
# title: CloudFront serves HTTPS only with TLS 1.2 or later
# description: >-
#   Every aws_cloudfront_distribution must use its own ACM certificate with
#   minimum_protocol_version TLSv1.2_2021 or newer (the default CloudFront certificate allows TLS 1.0)
#   and must not allow plain HTTP in any cache behaviour.
# related_resources:
#   - ref: https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/secure-connections-supported-viewer-protocols-ciphers.html
# custom:
#   id: PE-IAC-011
#   severity: high
#   nist_800_53: [SC-8, SC-8(1), SC-13]
#   owasp: ["A02:2021 Cryptographic Failures"]
#   cis: []
#   remediation: >-
#     Set viewer_certificate { acm_certificate_arn = ..., ssl_support_method = "sni-only",
#     minimum_protocol_version = "TLSv1.2_2021" } and viewer_protocol_policy = "redirect-to-https" on
#     every cache behaviour.
package cloudfront_tls

import data.lib.tfplan

modern := {"TLSv1.2_2021", "TLSv1.2_2025", "TLSv1.3_2025"}

deny contains msg if {
	some distribution in tfplan.changes("aws_cloudfront_distribution")
	some certificate in distribution.change.after.viewer_certificate
	not certificate.minimum_protocol_version in modern
	msg := sprintf("PE-IAC-011: %s allows TLS older than TLSv1.2_2021 (minimum_protocol_version %v)", [distribution.address, certificate.minimum_protocol_version])
}

deny contains msg if {
	some distribution in tfplan.changes("aws_cloudfront_distribution")
	some certificate in distribution.change.after.viewer_certificate
	certificate.cloudfront_default_certificate == true
	msg := sprintf("PE-IAC-011: %s uses the default CloudFront certificate, which accepts TLS 1.0; attach an ACM certificate", [distribution.address])
}

deny contains msg if {
	some distribution in tfplan.changes("aws_cloudfront_distribution")
	some behaviour in behaviours(distribution)
	behaviour.viewer_protocol_policy == "allow-all"
	msg := sprintf("PE-IAC-011: %s has a cache behaviour with viewer_protocol_policy allow-all (plain HTTP)", [distribution.address])
}

behaviours(distribution) := array.concat(
	object.get(distribution.change.after, "default_cache_behavior", []),
	object.get(distribution.change.after, "ordered_cache_behavior", []),
)
