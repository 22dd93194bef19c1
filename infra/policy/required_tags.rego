# Denies taggable resources without the ownership tags: run by conftest over `terraform show -json` plans.

# METADATA
# title: Resources carry the required tags
# description: >-
#   Every resource that supports tags must carry Project, Environment (dev, staging or prod) and
#   ManagedBy, either directly or through the provider's default_tags, so cost, inventory and
#   incident tooling can tell what a resource is and which stack changes it.
# related_resources:
#   - ref: https://docs.aws.amazon.com/tag-editor/latest/userguide/best-practices-and-strats.html
# custom:
#   id: PE-IAC-009
#   severity: low
#   nist_800_53: [CM-8, CM-8(1), PM-5]
#   owasp: ["A05:2021 Security Misconfiguration"]
#   cis: []
#   remediation: >-
#     Merge the module's local.tags (Project = "plasma-engine", Environment, ManagedBy = "terraform")
#     into every resource's tags, or set them once as default_tags in the environment's aws provider.
package required_tags

import data.lib.tfplan

required := ["Project", "Environment", "ManagedBy"]

environments := {"dev", "staging", "prod"}

deny contains msg if {
	some rc in input.resource_changes
	taggable(rc)
	some key in required
	not tfplan.tags(rc)[key]
	msg := sprintf("PE-IAC-009: %s is missing the %s tag", [rc.address, key])
}

deny contains msg if {
	some rc in input.resource_changes
	taggable(rc)
	environment := tfplan.tags(rc).Environment
	not environment in environments
	msg := sprintf("PE-IAC-009: %s has Environment = \"%s\"; use dev, staging or prod", [rc.address, environment])
}

# Resources whose schema has tags_all are taggable; tags computed at apply time are not judged.
taggable(rc) if {
	rc.mode == "managed"
	not tfplan.deleted(rc)
	startswith(rc.type, "aws_")
	"tags_all" in object.keys(rc.change.after)
	not tfplan.unknown(rc, "tags_all")
}
