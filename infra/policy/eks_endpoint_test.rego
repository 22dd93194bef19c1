# Unit tests for eks_endpoint.rego: `conftest verify -p infra/policy` or pytest tests/policy.
package eks_endpoint_test

import data.eks_endpoint
import data.lib.testing

cluster(config) := testing.resource("module.compute.aws_eks_cluster.this", {"vpc_config": [config]})

test_private_endpoint_passes if {
	denials := eks_endpoint.deny with input.resource_changes as [cluster({"endpoint_private_access": true, "endpoint_public_access": false, "public_access_cidrs": []})]
	count(denials) == 0
}

test_public_endpoint_with_cidrs_passes if {
	denials := eks_endpoint.deny with input.resource_changes as [cluster({"endpoint_private_access": true, "endpoint_public_access": true, "public_access_cidrs": ["203.0.113.0/24"]})]
	count(denials) == 0
}

test_public_endpoint_open_to_world_is_denied if {
	denials := eks_endpoint.deny with input.resource_changes as [cluster({"endpoint_private_access": true, "endpoint_public_access": true, "public_access_cidrs": ["0.0.0.0/0"]})]
	testing.denied(denials, "PE-IAC-013", "without public_access_cidrs limits")
}

test_private_endpoint_disabled_is_denied if {
	denials := eks_endpoint.deny with input.resource_changes as [cluster({"endpoint_private_access": false, "endpoint_public_access": true, "public_access_cidrs": ["203.0.113.0/24"]})]
	testing.denied(denials, "PE-IAC-013", "private API endpoint")
}
