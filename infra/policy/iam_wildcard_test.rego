# Unit tests for iam_wildcard.rego: `conftest verify -p infra/policy` or pytest tests/policy.
package iam_wildcard_test

import data.iam_wildcard
import data.lib.testing

policy(statement) := testing.resource("module.security.aws_iam_policy.deploy", {"policy": json.marshal({"Version": "2012-10-17", "Statement": [statement]})})

test_scoped_policy_passes if {
	denials := iam_wildcard.deny with input.resource_changes as [policy({"Effect": "Allow", "Action": ["eks:DescribeCluster"], "Resource": "arn:aws:eks:eu-west-1:111122223333:cluster/plasma-prod"})]
	count(denials) == 0
}

test_star_on_star_is_denied if {
	denials := iam_wildcard.deny with input.resource_changes as [policy({"Effect": "Allow", "Action": "*", "Resource": "*"})]
	testing.denied(denials, "PE-IAC-005", "every action on every resource")
}

test_star_in_lists_is_denied if {
	denials := iam_wildcard.deny with input.resource_changes as [policy({"Effect": "Allow", "Action": ["s3:GetObject", "*"], "Resource": ["*"]})]
	testing.denied(denials, "PE-IAC-005", "aws_iam_policy.deploy")
}

test_not_action_on_star_is_denied if {
	denials := iam_wildcard.deny with input.resource_changes as [policy({"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"})]
	testing.denied(denials, "PE-IAC-005", "NotAction")
}

test_deny_statement_with_stars_passes if {
	denials := iam_wildcard.deny with input.resource_changes as [policy({"Effect": "Deny", "Action": "*", "Resource": "*"})]
	count(denials) == 0
}
