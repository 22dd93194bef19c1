# Denies EKS API endpoints open to the whole internet: run by conftest over `terraform show -json` plans.

# METADATA
# title: EKS API endpoint is private or CIDR-restricted
# description: >-
#   An aws_eks_cluster must enable the private endpoint, and if the public endpoint is enabled,
#   public_access_cidrs must list specific networks (never 0.0.0.0/0, which is also the default when
#   the list is omitted).
# related_resources:
#   - ref: https://docs.aws.amazon.com/eks/latest/userguide/cluster-endpoint.html
# custom:
#   id: PE-IAC-013
#   severity: high
#   nist_800_53: [SC-7, AC-17, AC-3]
#   owasp: ["A05:2021 Security Misconfiguration", "A01:2021 Broken Access Control"]
#   cis: []
#   remediation: >-
#     Set vpc_config { endpoint_private_access = true, endpoint_public_access = false } and reach the
#     API through the VPN; if CI runners outside the VPC need it, keep the public endpoint with
#     public_access_cidrs set to their egress ranges.
package eks_endpoint

import data.lib.tfplan

deny contains msg if {
	some cluster in tfplan.changes("aws_eks_cluster")
	some config in cluster.change.after.vpc_config
	config.endpoint_public_access == true
	not restricted(config)
	msg := sprintf("PE-IAC-013: %s exposes a public API endpoint without public_access_cidrs limits", [cluster.address])
}

deny contains msg if {
	some cluster in tfplan.changes("aws_eks_cluster")
	some config in cluster.change.after.vpc_config
	config.endpoint_private_access != true
	msg := sprintf("PE-IAC-013: %s does not enable the private API endpoint", [cluster.address])
}

restricted(config) if {
	count(config.public_access_cidrs) > 0
	not "0.0.0.0/0" in config.public_access_cidrs
}
