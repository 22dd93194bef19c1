# Outputs of the data module: endpoints and the secrets the services read their credentials from.

output "postgres_endpoint" {
  description = "Host name of the Postgres primary (without the port)."
  value       = aws_db_instance.this.address
}

output "postgres_port" {
  description = "TCP port of Postgres."
  value       = aws_db_instance.this.port
}

output "postgres_master_secret_arn" {
  description = "ARN of the Secrets Manager secret RDS manages for the master user."
  value       = aws_db_instance.this.master_user_secret[0].secret_arn
}

output "redis_primary_endpoint" {
  description = "Primary endpoint of the Redis replication group; connect with TLS (rediss://) and the AUTH token."
  value       = aws_elasticache_replication_group.this.primary_endpoint_address
}

output "redis_auth_secret_arn" {
  description = "ARN of the Secrets Manager secret holding the Redis AUTH token."
  value       = aws_secretsmanager_secret.redis_auth.arn
}

output "postgres_security_group_id" {
  description = "ID of the security group attached to Postgres."
  value       = aws_security_group.postgres.id
}

output "redis_security_group_id" {
  description = "ID of the security group attached to Redis."
  value       = aws_security_group.redis.id
}
