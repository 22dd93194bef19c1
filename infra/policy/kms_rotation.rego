# Denies symmetric KMS keys without automatic rotation: run by conftest over `terraform show -json` plans.

# METADATA
# title: KMS keys rotate automatically
# description: >-
#   Every symmetric aws_kms_key must set enable_key_rotation = true, so AWS replaces the key
#   material every year (or on the rotation_period_in_days you set).
# related_resources:
#   - ref: https://docs.aws.amazon.com/kms/latest/developerguide/rotate-keys.html
# custom:
#   id: PE-IAC-003
#   severity: medium
#   nist_800_53: [SC-12, SC-12(1)]
#   owasp: ["A02:2021 Cryptographic Failures"]
#   cis: ["CIS AWS Foundations v5.0.0, Logging: rotation enabled for customer-created symmetric CMKs"]
#   remediation: >-
#     Set enable_key_rotation = true on the key (the kms module's default). Asymmetric and HMAC keys
#     cannot rotate automatically and are skipped.
package kms_rotation

import data.lib.tfplan

deny contains msg if {
	some key in tfplan.changes("aws_kms_key")
	symmetric(key)
	key.change.after.enable_key_rotation != true
	msg := sprintf("PE-IAC-003: %s is a symmetric key without enable_key_rotation = true", [key.address])
}

symmetric(key) if object.get(key.change.after, "customer_master_key_spec", "SYMMETRIC_DEFAULT") == "SYMMETRIC_DEFAULT"

symmetric(key) if key.change.after.customer_master_key_spec == null
