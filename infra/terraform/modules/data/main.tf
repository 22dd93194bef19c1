# RDS Postgres 15 and ElastiCache Redis 7 in the data subnets: encrypted with the data key,
# reachable only from the client security groups, TLS required, credentials in Secrets Manager.

locals {
  tags = merge({
    Project     = "plasma-engine"
    Environment = var.environment
    ManagedBy   = "terraform"
    Module      = "data"
  }, var.tags)

  partition     = data.aws_partition.current.partition
  db_identifier = "${var.name}-postgres"
  redis_id      = "${var.name}-redis"
}

data "aws_partition" "current" {}

resource "aws_security_group" "postgres" {
  name        = "${var.name}-postgres"
  description = "Postgres 5432 from the platform's client security groups only"
  vpc_id      = var.vpc_id

  ingress {
    description     = "Postgres from EKS workloads"
    from_port       = 5432
    to_port         = 5432
    protocol        = "tcp"
    security_groups = var.client_security_group_ids
  }

  tags = merge(local.tags, { Name = "${var.name}-postgres" })
}

resource "aws_security_group" "redis" {
  name        = "${var.name}-redis"
  description = "Redis 6379 from the platform's client security groups only"
  vpc_id      = var.vpc_id

  ingress {
    description     = "Redis from EKS workloads"
    from_port       = 6379
    to_port         = 6379
    protocol        = "tcp"
    security_groups = var.client_security_group_ids
  }

  tags = merge(local.tags, { Name = "${var.name}-redis" })
}

resource "aws_db_subnet_group" "this" {
  name       = var.name
  subnet_ids = var.subnet_ids

  tags = local.tags
}

resource "aws_db_parameter_group" "this" {
  name   = "${var.name}-postgres15"
  family = "postgres15"

  # Clients must use TLS; plain-text connections are refused.
  parameter {
    name  = "rds.force_ssl"
    value = "1"
  }

  # Log statements slower than 500 ms, the gateway's p95 latency target, plus all DDL.
  parameter {
    name  = "log_min_duration_statement"
    value = "500"
  }

  parameter {
    name  = "log_statement"
    value = "ddl"
  }

  parameter {
    name  = "log_connections"
    value = "1"
  }

  parameter {
    name  = "log_disconnections"
    value = "1"
  }

  tags = local.tags
}

# RDS creates these groups on first export with no expiry; creating them first sets retention.
resource "aws_cloudwatch_log_group" "postgres" {
  #checkov:skip=CKV_AWS_338:Retention follows the platform log policy (7-14 days staging, 30-90 days prod, enforced by validation); the year-long audit record is CloudTrail in S3.
  for_each = toset(["postgresql", "upgrade"])

  name              = "/aws/rds/instance/${local.db_identifier}/${each.value}"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.log_kms_key_arn

  tags = local.tags
}

data "aws_iam_policy_document" "rds_monitoring_assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["monitoring.rds.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "rds_monitoring" {
  name               = "${var.name}-rds-monitoring"
  assume_role_policy = data.aws_iam_policy_document.rds_monitoring_assume.json

  tags = local.tags
}

resource "aws_iam_role_policy_attachment" "rds_monitoring" {
  role       = aws_iam_role.rds_monitoring.name
  policy_arn = "arn:${local.partition}:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole"
}

resource "aws_db_instance" "this" {
  identifier     = local.db_identifier
  engine         = "postgres"
  engine_version = var.postgres_engine_version
  instance_class = var.postgres_instance_class

  allocated_storage     = var.postgres_allocated_storage_gib
  max_allocated_storage = var.postgres_max_allocated_storage_gib
  storage_type          = "gp3"
  storage_encrypted     = true
  kms_key_id            = var.kms_key_arn

  db_name  = "plasma"
  username = "plasma_admin"
  # RDS generates the password and keeps it in Secrets Manager; it never enters Terraform state.
  manage_master_user_password   = true
  master_user_secret_kms_key_id = var.kms_key_arn

  iam_database_authentication_enabled = true

  multi_az               = var.multi_az
  db_subnet_group_name   = aws_db_subnet_group.this.name
  vpc_security_group_ids = [aws_security_group.postgres.id]
  publicly_accessible    = false
  parameter_group_name   = aws_db_parameter_group.this.name

  backup_retention_period   = var.backup_retention_days
  backup_window             = "03:00-04:00"
  maintenance_window        = "sun:04:30-sun:05:30"
  copy_tags_to_snapshot     = true
  deletion_protection       = var.deletion_protection
  skip_final_snapshot       = false
  final_snapshot_identifier = "${local.db_identifier}-final"

  auto_minor_version_upgrade  = true
  allow_major_version_upgrade = false

  enabled_cloudwatch_logs_exports       = ["postgresql", "upgrade"]
  performance_insights_enabled          = true
  performance_insights_kms_key_id       = var.kms_key_arn
  performance_insights_retention_period = 7
  monitoring_interval                   = 60
  monitoring_role_arn                   = aws_iam_role.rds_monitoring.arn

  tags = local.tags

  depends_on = [aws_cloudwatch_log_group.postgres]
}

resource "aws_elasticache_subnet_group" "this" {
  name       = var.name
  subnet_ids = var.subnet_ids

  tags = local.tags
}

resource "aws_cloudwatch_log_group" "redis" {
  #checkov:skip=CKV_AWS_338:Retention follows the platform log policy (7-14 days staging, 30-90 days prod, enforced by validation); the year-long audit record is CloudTrail in S3.
  name              = "/plasma-engine/${var.environment}/elasticache/${local.redis_id}"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.log_kms_key_arn

  tags = local.tags
}

resource "aws_secretsmanager_secret" "redis_auth" {
  #checkov:skip=CKV2_AWS_57:Rotating the Redis AUTH token needs the ROTATE/SET sequence on the replication group; it is a runbook step, not a Lambda rotation.
  name                    = "${var.name}/redis/auth-token"
  description             = "AUTH token of the ${local.redis_id} ElastiCache replication group"
  kms_key_id              = var.kms_key_arn
  recovery_window_in_days = 7

  tags = local.tags
}

# Generated once by Secrets Manager itself; ignore_changes keeps the first value, because the data
# source returns a new password on every read.
data "aws_secretsmanager_random_password" "redis_auth" {
  password_length     = 64
  exclude_punctuation = true
}

resource "aws_secretsmanager_secret_version" "redis_auth" {
  secret_id     = aws_secretsmanager_secret.redis_auth.id
  secret_string = data.aws_secretsmanager_random_password.redis_auth.random_password

  lifecycle {
    ignore_changes = [secret_string]
  }
}

resource "aws_elasticache_replication_group" "this" {
  #checkov:skip=CKV2_AWS_50:Failover follows redis_num_cache_clusters > 1, which the variable's validation enforces in prod; staging runs one node on purpose.
  replication_group_id = local.redis_id
  description          = "Plasma Engine ${var.environment}: sessions, refresh tokens, rate limits, Celery broker"
  engine               = "redis"
  engine_version       = var.redis_engine_version
  node_type            = var.redis_node_type
  port                 = 6379

  num_cache_clusters         = var.redis_num_cache_clusters
  automatic_failover_enabled = var.redis_num_cache_clusters > 1
  multi_az_enabled           = var.redis_num_cache_clusters > 1

  subnet_group_name  = aws_elasticache_subnet_group.this.name
  security_group_ids = [aws_security_group.redis.id]

  at_rest_encryption_enabled = true
  kms_key_id                 = var.kms_key_arn
  transit_encryption_enabled = true
  transit_encryption_mode    = "required"
  auth_token                 = aws_secretsmanager_secret_version.redis_auth.secret_string
  auth_token_update_strategy = "ROTATE"

  snapshot_retention_limit   = var.redis_snapshot_retention_days
  snapshot_window            = "02:00-03:00"
  maintenance_window         = "sun:05:30-sun:06:30"
  auto_minor_version_upgrade = true
  apply_immediately          = false

  log_delivery_configuration {
    destination      = aws_cloudwatch_log_group.redis.name
    destination_type = "cloudwatch-logs"
    log_format       = "json"
    log_type         = "slow-log"
  }

  tags = local.tags
}
