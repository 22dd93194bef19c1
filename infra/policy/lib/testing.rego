# Builders for the policies' unit tests (`conftest verify`, and tests/policy through regopy).

# METADATA
# title: Test builders
# description: Functions that build resource_changes entries shaped like `terraform show -json` output.
package lib.testing

tags := {"Project": "plasma-engine", "Environment": "prod", "ManagedBy": "terraform"}

# A resource being created at `address` (module.<name>.<type>.<name>) with `after` values and the
# required tags.
resource(address, after) := {
	"address": address,
	"module_address": module_address(address),
	"mode": "managed",
	"type": resource_type(address),
	"name": resource_name(address),
	"change": {
		"actions": ["create"],
		"after": object.union({"tags": tags, "tags_all": tags}, after),
		"after_unknown": {},
	},
}

parts(address) := split(address, ".")

module_address(address) := concat(".", array.slice(parts(address), 0, count(parts(address)) - 2))

resource_type(address) := parts(address)[count(parts(address)) - 2]

resource_name(address) := parts(address)[count(parts(address)) - 1]

# True when some denial carries policy `id` and mentions `fragment`. Tests match a fragment rather
# than the whole message because regopy (rego-cpp 1.5) keeps the quotes of a module's string
# literals when sprintf formats them, so exact messages differ between engines for test inputs.
denied(denials, id, fragment) if {
	some message in denials
	startswith(message, id)
	contains(message, fragment)
}
