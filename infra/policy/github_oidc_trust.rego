# Denies IAM roles that any GitHub repository could assume: run by conftest over `terraform show -json` plans.

# METADATA
# title: GitHub OIDC roles trust only Plasma-Engine repositories
# description: >-
#   A role whose trust policy federates token.actions.githubusercontent.com must require the
#   audience sts.amazonaws.com and restrict token.actions.githubusercontent.com:sub to subjects
#   starting repo:Plasma-Engine/, with no wildcard before the repository name.
# related_resources:
#   - ref: https://docs.github.com/en/actions/how-tos/secure-your-work/security-harden-deployments/oidc-in-aws
# custom:
#   id: PE-IAC-014
#   severity: critical
#   nist_800_53: [AC-3, AC-6, IA-2, IA-8]
#   owasp: ["CICD-SEC-2 Inadequate Identity and Access Management", "CICD-SEC-6 Insufficient Credential Hygiene"]
#   cis: []
#   remediation: >-
#     In the role's assume_role_policy add Condition StringEquals
#     "token.actions.githubusercontent.com:aud" = "sts.amazonaws.com" and StringLike (or StringEquals)
#     "token.actions.githubusercontent.com:sub" = "repo:Plasma-Engine/<repo>:environment:<env>" or
#     ":ref:refs/heads/main". Never use "repo:*" or "*".
package github_oidc_trust

import data.lib.tfplan

issuer := "token.actions.githubusercontent.com"

org_prefix := "repo:Plasma-Engine/"

deny contains msg if {
	some statement in github_statements
	count(subjects(statement.value)) == 0
	msg := sprintf("PE-IAC-014: %s trusts GitHub OIDC without a %s:sub condition", [statement.role, issuer])
}

deny contains msg if {
	some statement in github_statements
	some subject in subjects(statement.value)
	not org_subject(subject)
	msg := sprintf("PE-IAC-014: %s trusts GitHub subject \"%s\" outside repo:Plasma-Engine/<repository>", [statement.role, subject])
}

deny contains msg if {
	some statement in github_statements
	not audience_pinned(statement.value)
	msg := sprintf("PE-IAC-014: %s does not require %s:aud = sts.amazonaws.com", [statement.role, issuer])
}

github_statements contains {"role": role.address, "value": statement} if {
	some role in tfplan.changes("aws_iam_role")
	is_string(role.change.after.assume_role_policy)
	document := json.unmarshal(role.change.after.assume_role_policy)
	some statement in tfplan.as_list(document.Statement)
	statement.Effect == "Allow"
	some principal in tfplan.as_list(object.get(object.get(statement, "Principal", {}), "Federated", []))
	endswith(principal, issuer)
}

subjects(statement) := [subject |
	some operator in ["StringEquals", "StringLike", "ForAnyValue:StringLike", "ForAnyValue:StringEquals"]
	some subject in tfplan.as_list(object.get(object.get(object.get(statement, "Condition", {}), operator, {}), sprintf("%s:sub", [issuer]), []))
]

# The organisation and repository are literal; wildcards may follow the repository name only.
org_subject(subject) if {
	startswith(subject, org_prefix)
	repository := split(trim_prefix(subject, org_prefix), ":")[0]
	repository != ""
	not contains(repository, "*")
	not contains(repository, "?")
}

audience_pinned(statement) if {
	"sts.amazonaws.com" in tfplan.as_list(statement.Condition.StringEquals[sprintf("%s:aud", [issuer])])
}
