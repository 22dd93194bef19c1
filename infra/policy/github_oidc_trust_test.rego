# Unit tests for github_oidc_trust.rego: `conftest verify -p infra/policy` or pytest tests/policy.
package github_oidc_trust_test

import data.github_oidc_trust
import data.lib.testing

role(condition) := testing.resource("module.security.aws_iam_role.deploy", {"assume_role_policy": json.marshal({
	"Version": "2012-10-17",
	"Statement": [{
		"Effect": "Allow",
		"Action": "sts:AssumeRoleWithWebIdentity",
		"Principal": {"Federated": "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"},
		"Condition": condition,
	}],
})})

test_exact_repository_subject_passes if {
	condition := {"StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com", "token.actions.githubusercontent.com:sub": ["repo:Plasma-Engine/plasma-engine-gateway:environment:prod"]}}
	denials := github_oidc_trust.deny with input.resource_changes as [role(condition)]
	count(denials) == 0
}

test_branch_wildcard_after_repository_passes if {
	condition := {"StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"}, "StringLike": {"token.actions.githubusercontent.com:sub": "repo:Plasma-Engine/plasma-engine-kb:ref:refs/heads/*"}}
	denials := github_oidc_trust.deny with input.resource_changes as [role(condition)]
	count(denials) == 0
}

test_any_repository_is_denied if {
	condition := {"StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"}, "StringLike": {"token.actions.githubusercontent.com:sub": "repo:*"}}
	denials := github_oidc_trust.deny with input.resource_changes as [role(condition)]
	testing.denied(denials, "PE-IAC-014", "outside repo:Plasma-Engine/")
}

test_wildcard_repository_in_org_is_denied if {
	condition := {"StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"}, "StringLike": {"token.actions.githubusercontent.com:sub": "repo:Plasma-Engine/*"}}
	denials := github_oidc_trust.deny with input.resource_changes as [role(condition)]
	testing.denied(denials, "PE-IAC-014", "outside repo:Plasma-Engine/")
}

test_missing_subject_is_denied if {
	condition := {"StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"}}
	denials := github_oidc_trust.deny with input.resource_changes as [role(condition)]
	testing.denied(denials, "PE-IAC-014", "without a token.actions.githubusercontent.com:sub condition")
}

test_missing_audience_is_denied if {
	condition := {"StringEquals": {"token.actions.githubusercontent.com:sub": "repo:Plasma-Engine/plasma-engine-gateway:environment:prod"}}
	denials := github_oidc_trust.deny with input.resource_changes as [role(condition)]
	testing.denied(denials, "PE-IAC-014", ":aud = sts.amazonaws.com")
}

test_other_federations_are_ignored if {
	denials := github_oidc_trust.deny with input.resource_changes as [testing.resource("module.compute.aws_iam_role.irsa", {"assume_role_policy": json.marshal({"Statement": [{"Effect": "Allow", "Principal": {"Federated": "arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABC"}}]})})]
	count(denials) == 0
}
