# Denies IAM policies that allow every action on every resource: run by conftest over `terraform show -json` plans.

# METADATA
# title: No IAM policy allows "*" actions on "*" resources
# description: >-
#   An Allow statement whose Action (or NotAction) is "*" and whose Resource is "*" grants
#   administrator access. It is denied in aws_iam_policy, aws_iam_role_policy, aws_iam_user_policy
#   and aws_iam_group_policy documents.
# related_resources:
#   - ref: https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html
# custom:
#   id: PE-IAC-005
#   severity: critical
#   nist_800_53: [AC-6, AC-6(1), AC-2]
#   owasp: ["A01:2021 Broken Access Control", "CICD-SEC-2 Inadequate Identity and Access Management"]
#   cis: ["CIS AWS Foundations v5.0.0, IAM: no policies with full *:* administrative privileges"]
#   remediation: >-
#     List the actions the workload calls (CloudTrail or IAM Access Analyzer policy generation show
#     them) and scope Resource to the ARNs it touches. Break-glass administrator access belongs in
#     IAM Identity Center, not in Terraform-managed policies.
package iam_wildcard

import data.lib.tfplan

policy_types := ["aws_iam_policy", "aws_iam_role_policy", "aws_iam_user_policy", "aws_iam_group_policy"]

deny contains msg if {
	some type in policy_types
	some policy in tfplan.changes(type)
	is_string(policy.change.after.policy)
	document := json.unmarshal(policy.change.after.policy)
	some statement in tfplan.as_list(document.Statement)
	statement.Effect == "Allow"
	all_actions(statement)
	"*" in tfplan.as_list(object.get(statement, "Resource", []))
	msg := sprintf("PE-IAC-005: %s allows every action on every resource (Action \"*\" or NotAction, with Resource \"*\")", [policy.address])
}

all_actions(statement) if "*" in tfplan.as_list(object.get(statement, "Action", []))

# NotAction with a narrow exclusion still grants almost everything.
all_actions(statement) if object.get(statement, "NotAction", null) != null
