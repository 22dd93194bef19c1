# Denies production databases that can be deleted or lack backups: run by conftest over `terraform show -json` plans.

# METADATA
# title: Production RDS has deletion protection and backups
# description: >-
#   An aws_db_instance or aws_rds_cluster tagged Environment = prod must set deletion_protection,
#   keep automated backups for at least 7 days and take a final snapshot on deletion, so the 1-hour
#   recovery point objective can be met.
# related_resources:
#   - ref: https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_WorkingWithAutomatedBackups.html
# custom:
#   id: PE-IAC-010
#   severity: high
#   nist_800_53: [CP-9, CP-10, SI-12]
#   owasp: []
#   cis: []
#   remediation: >-
#     In the prod environment set deletion_protection = true, backup_retention_period = 7 or more
#     (the rds module's prod default is 14) and skip_final_snapshot = false with a
#     final_snapshot_identifier.
package rds_prod_protection

import data.lib.tfplan

minimum_retention_days := 7

deny contains msg if {
	some db in prod_databases
	db.change.after.deletion_protection != true
	msg := sprintf("PE-IAC-010: %s is a prod database without deletion_protection = true", [db.address])
}

deny contains msg if {
	some db in prod_databases
	object.get(db.change.after, "backup_retention_period", 0) < minimum_retention_days
	msg := sprintf("PE-IAC-010: %s keeps backups for %v days; prod needs at least %v", [db.address, object.get(db.change.after, "backup_retention_period", 0), minimum_retention_days])
}

deny contains msg if {
	some db in prod_databases
	db.change.after.skip_final_snapshot == true
	msg := sprintf("PE-IAC-010: %s skips the final snapshot on deletion", [db.address])
}

prod_databases contains db if {
	some type in ["aws_db_instance", "aws_rds_cluster"]
	some db in tfplan.changes(type)
	tfplan.environment(db) == "prod"
}
