# Outputs of the networking module, consumed by the compute and data modules.

output "vpc_id" {
  description = "ID of the VPC."
  value       = aws_vpc.this.id
}

output "vpc_cidr_block" {
  description = "IPv4 CIDR block of the VPC."
  value       = aws_vpc.this.cidr_block
}

output "public_subnet_ids" {
  description = "IDs of the public subnets, in availability-zone order."
  value       = aws_subnet.public[*].id
}

output "private_subnet_ids" {
  description = "IDs of the private subnets (EKS nodes and pods), in availability-zone order."
  value       = aws_subnet.private[*].id
}

output "data_subnet_ids" {
  description = "IDs of the data subnets (RDS, ElastiCache), in availability-zone order."
  value       = aws_subnet.data[*].id
}

output "nat_gateway_ids" {
  description = "IDs of the NAT gateways: three with nat_gateway_mode = per_az, one with single."
  value       = aws_nat_gateway.this[*].id
}

output "flow_log_group_name" {
  description = "Name of the CloudWatch log group receiving the VPC flow log."
  value       = aws_cloudwatch_log_group.flow_logs.name
}

output "endpoint_security_group_id" {
  description = "ID of the security group attached to the interface VPC endpoints."
  value       = aws_security_group.endpoints.id
}
