# Managed Prometheus workspace, per-service log groups with retention by environment, and SNS
# alarm topics that CloudWatch alarms and the Alertmanager relay publish to.

locals {
  tags = merge({
    Project     = "plasma-engine"
    Environment = var.environment
    ManagedBy   = "terraform"
    Module      = "observability"
  }, var.tags)
}

data "aws_caller_identity" "current" {}

resource "aws_cloudwatch_log_group" "service" {
  #checkov:skip=CKV_AWS_338:Retention follows the platform log policy (7-14 days staging, 30-90 days prod, enforced by validation); the year-long audit record is CloudTrail in S3.
  for_each = var.services

  name              = "/plasma-engine/${var.environment}/${each.value}"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.kms_key_arn

  tags = merge(local.tags, { Service = each.value })
}

resource "aws_cloudwatch_log_group" "prometheus" {
  #checkov:skip=CKV_AWS_338:Retention follows the platform log policy (7-14 days staging, 30-90 days prod, enforced by validation); the year-long audit record is CloudTrail in S3.
  name              = "/plasma-engine/${var.environment}/amp/${var.name}"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.kms_key_arn

  tags = local.tags
}

resource "aws_prometheus_workspace" "this" {
  alias       = var.name
  kms_key_arn = var.kms_key_arn

  # Rule-evaluation and alert-delivery errors land here instead of vanishing.
  logging_configuration {
    log_group_arn = "${aws_cloudwatch_log_group.prometheus.arn}:*"
  }

  tags = local.tags
}

resource "aws_sns_topic" "alarms" {
  for_each = var.alarm_severities

  name              = "${var.name}-alarms-${each.value}"
  kms_master_key_id = var.kms_key_arn

  tags = merge(local.tags, { Severity = each.value })
}

data "aws_iam_policy_document" "alarms" {
  for_each = var.alarm_severities

  statement {
    sid       = "CloudWatchAlarmsPublish"
    actions   = ["sns:Publish"]
    resources = [aws_sns_topic.alarms[each.value].arn]

    principals {
      type        = "Service"
      identifiers = ["cloudwatch.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [data.aws_caller_identity.current.account_id]
    }
  }
}

resource "aws_sns_topic_policy" "alarms" {
  for_each = var.alarm_severities

  arn    = aws_sns_topic.alarms[each.value].arn
  policy = data.aws_iam_policy_document.alarms[each.value].json
}
