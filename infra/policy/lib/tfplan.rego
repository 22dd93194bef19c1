# Helpers shared by every policy: walk the JSON of `terraform show -json <plan>` (read by conftest and tests/policy).

# METADATA
# title: Terraform plan helpers
# description: Functions over input.resource_changes shared by the policies in infra/policy.
package lib.tfplan

# Resources of type `t` that the plan creates, updates or keeps; deletions are ignored because a
# resource on its way out cannot violate anything.
changes(t) := [rc |
	some rc in input.resource_changes
	rc.mode == "managed"
	rc.type == t
	not deleted(rc)
]

deleted(rc) if rc.change.actions == ["delete"]

# The module a resource lives in ("" for the root module); pairs such as a bucket and its
# public-access block are matched within one module, which is how infra/terraform/modules builds them.
module_of(rc) := object.get(rc, "module_address", "")

same_module(a, b) if module_of(a) == module_of(b)

# A bucket's companion resource (public-access block, encryption configuration): same module and
# either the same resource name (aws_s3_bucket.trail and aws_s3_bucket_public_access_block.trail)
# or the same bucket name once known.
companion(bucket, other) if {
	same_module(bucket, other)
	bucket.name == other.name
	object.get(bucket, "index", null) == object.get(other, "index", null)
}

companion(bucket, other) if {
	same_module(bucket, other)
	is_string(bucket.change.after.bucket)
	bucket.change.after.bucket == other.change.after.bucket
}

# True when the plan computes the attribute only at apply time (e.g. an ARN of a resource being created).
unknown(rc, attr) if rc.change.after_unknown[attr] == true

# The merged tags of a resource: provider default tags (tags_all) overridden by its own tags.
tags(rc) := object.union(as_object(object.get(rc.change.after, "tags_all", {})), as_object(object.get(rc.change.after, "tags", {})))

# An attribute Terraform may report as null (unset) or as an object, always as an object.
as_object(x) := x if is_object(x)

as_object(x) := {} if not is_object(x)

# The environment a resource belongs to, from its Environment tag ("" when untagged).
environment(rc) := object.get(tags(rc), "Environment", "")

# A value that may be a single item or a list, as a list (IAM's Action, Resource and condition values).
as_list(x) := x if is_array(x)

as_list(x) := [x] if not is_array(x)
