# Unit tests for rds_prod_protection.rego: `conftest verify -p infra/policy` or pytest tests/policy.
package rds_prod_protection_test

import data.lib.testing
import data.rds_prod_protection

db(overrides) := testing.resource("module.data.aws_db_instance.this", object.union(
	{"deletion_protection": true, "backup_retention_period": 14, "skip_final_snapshot": false},
	overrides,
))

test_protected_prod_database_passes if {
	denials := rds_prod_protection.deny with input.resource_changes as [db({})]
	count(denials) == 0
}

test_prod_without_deletion_protection_is_denied if {
	denials := rds_prod_protection.deny with input.resource_changes as [db({"deletion_protection": false})]
	testing.denied(denials, "PE-IAC-010", "deletion_protection")
}

test_prod_with_short_backups_is_denied if {
	denials := rds_prod_protection.deny with input.resource_changes as [db({"backup_retention_period": 1})]
	testing.denied(denials, "PE-IAC-010", "keeps backups for 1 days")
}

test_prod_skipping_final_snapshot_is_denied if {
	denials := rds_prod_protection.deny with input.resource_changes as [db({"skip_final_snapshot": true})]
	testing.denied(denials, "PE-IAC-010", "final snapshot")
}

test_staging_database_is_not_judged if {
	staging := object.union(db({"deletion_protection": false, "backup_retention_period": 1}), {"change": {"after": {"tags": {"Environment": "staging"}, "tags_all": {"Environment": "staging"}}}})
	denials := rds_prod_protection.deny with input.resource_changes as [staging]
	count(denials) == 0
}
