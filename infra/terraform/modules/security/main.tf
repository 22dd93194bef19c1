# Account-level security: KMS keys with rotation, the GitHub Actions OIDC provider and deploy roles
# bound to exact repository/branch or environment claims, GuardDuty, and CloudTrail to an
# encrypted, versioned bucket.

locals {
  tags = merge({
    Project     = "plasma-engine"
    Environment = var.environment
    ManagedBy   = "terraform"
    Module      = "security"
  }, var.tags)

  account_id = data.aws_caller_identity.current.account_id
  region     = data.aws_region.current.region
  partition  = data.aws_partition.current.partition

  # One key per blast radius: revoking or losing one key never takes the others' data with it.
  kms_keys = {
    logs  = "CloudWatch Logs groups and SNS alarm topics"
    data  = "RDS, ElastiCache, Secrets Manager and Performance Insights"
    eks   = "Envelope encryption of Kubernetes secrets in EKS"
    audit = "CloudTrail log files"
  }

  trail_name = "${var.name}-trail"
  trail_arn  = "arn:${local.partition}:cloudtrail:${local.region}:${local.account_id}:trail/${local.trail_name}"
}

data "aws_caller_identity" "current" {}

data "aws_region" "current" {}

data "aws_partition" "current" {}

data "aws_iam_policy_document" "kms" {
  for_each = local.kms_keys

  #checkov:skip=CKV_AWS_109:A key policy's Resource "*" means this key only; the account-root statement is the AWS default that lets IAM policies grant access.
  #checkov:skip=CKV_AWS_111:A key policy's Resource "*" means this key only; write access is further limited by the IAM policies of each principal.
  #checkov:skip=CKV_AWS_356:In a KMS key policy the resource can only be the key itself, written as "*".
  statement {
    sid       = "AccountRootManagesKey"
    actions   = ["kms:*"]
    resources = ["*"]

    principals {
      type        = "AWS"
      identifiers = ["arn:${local.partition}:iam::${local.account_id}:root"]
    }
  }

  dynamic "statement" {
    for_each = each.key == "logs" ? [1] : []

    content {
      sid       = "CloudWatchLogsUseKey"
      actions   = ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"]
      resources = ["*"]

      principals {
        type        = "Service"
        identifiers = ["logs.${local.region}.amazonaws.com"]
      }

      condition {
        test     = "ArnLike"
        variable = "kms:EncryptionContext:aws:logs:arn"
        values   = ["arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:*"]
      }
    }
  }

  dynamic "statement" {
    for_each = each.key == "logs" ? [1] : []

    content {
      sid       = "CloudWatchAlarmsPublishToEncryptedTopics"
      actions   = ["kms:Decrypt", "kms:GenerateDataKey*"]
      resources = ["*"]

      principals {
        type        = "Service"
        identifiers = ["cloudwatch.amazonaws.com"]
      }

      condition {
        test     = "StringEquals"
        variable = "aws:SourceAccount"
        values   = [local.account_id]
      }
    }
  }

  dynamic "statement" {
    for_each = each.key == "audit" ? [1] : []

    content {
      sid       = "CloudTrailEncryptLogs"
      actions   = ["kms:GenerateDataKey*", "kms:DescribeKey"]
      resources = ["*"]

      principals {
        type        = "Service"
        identifiers = ["cloudtrail.amazonaws.com"]
      }

      condition {
        test     = "StringEquals"
        variable = "aws:SourceArn"
        values   = [local.trail_arn]
      }
    }
  }
}

resource "aws_kms_key" "this" {
  for_each = local.kms_keys

  description             = "${var.name}: ${each.value}"
  enable_key_rotation     = true
  rotation_period_in_days = 365
  deletion_window_in_days = var.kms_deletion_window_days
  policy                  = data.aws_iam_policy_document.kms[each.key].json

  tags = merge(local.tags, { Name = "${var.name}-${each.key}" })
}

resource "aws_kms_alias" "this" {
  for_each = local.kms_keys

  name          = "alias/${var.name}-${each.key}"
  target_key_id = aws_kms_key.this[each.key].key_id
}

# GitHub Actions exchanges its OIDC token for short-lived credentials: no long-lived keys in CI.
resource "aws_iam_openid_connect_provider" "github" {
  url            = "https://token.actions.githubusercontent.com"
  client_id_list = ["sts.amazonaws.com"]

  tags = local.tags
}

data "aws_iam_policy_document" "deploy_trust" {
  for_each = var.deploy_roles

  statement {
    actions = ["sts:AssumeRoleWithWebIdentity"]

    principals {
      type        = "Federated"
      identifiers = [aws_iam_openid_connect_provider.github.arn]
    }

    condition {
      test     = "StringEquals"
      variable = "token.actions.githubusercontent.com:aud"
      values   = ["sts.amazonaws.com"]
    }

    # Exact match on sub: only the named repository's branch or environment can assume the role.
    condition {
      test     = "StringEquals"
      variable = "token.actions.githubusercontent.com:sub"
      values   = each.value.subjects
    }
  }
}

resource "aws_iam_role" "deploy" {
  for_each = var.deploy_roles

  name                 = "${var.name}-deploy-${each.key}"
  description          = "GitHub Actions deploy role ${each.key} for ${var.environment}"
  assume_role_policy   = data.aws_iam_policy_document.deploy_trust[each.key].json
  max_session_duration = 3600

  tags = local.tags
}

resource "aws_iam_role_policy" "deploy" {
  for_each = var.deploy_roles

  name   = "deploy-${each.key}"
  role   = aws_iam_role.deploy[each.key].id
  policy = each.value.policy_json
}

resource "aws_guardduty_detector" "this" {
  #checkov:skip=CKV2_AWS_3:Organisation-wide enablement belongs to the GuardDuty delegated administrator account; this module enables the detector of one workload account.
  enable                       = true
  finding_publishing_frequency = var.guardduty_finding_frequency

  tags = local.tags
}

resource "aws_guardduty_detector_feature" "this" {
  for_each = toset(["S3_DATA_EVENTS", "EKS_AUDIT_LOGS", "RDS_LOGIN_EVENTS", "EBS_MALWARE_PROTECTION"])

  detector_id = aws_guardduty_detector.this.id
  name        = each.value
  status      = "ENABLED"
}

resource "aws_guardduty_detector_feature" "runtime_monitoring" {
  detector_id = aws_guardduty_detector.this.id
  name        = "RUNTIME_MONITORING"
  status      = "ENABLED"

  additional_configuration {
    name   = "EKS_ADDON_MANAGEMENT"
    status = "ENABLED"
  }
}

# Server access logs of the CloudTrail bucket. S3 cannot deliver access logs to an SSE-KMS bucket,
# hence SSE-S3 here.
module "access_log_bucket" {
  source = "../s3-bucket"

  name        = "${var.name}-s3-access-logs-${local.account_id}"
  environment = var.environment
  tags        = local.tags

  lifecycle_rule_id = "expire-access-logs"
  expiration_days   = var.cloudtrail_retention_days

  policy_json = data.aws_iam_policy_document.access_logs.json
}

data "aws_iam_policy_document" "access_logs" {
  statement {
    sid       = "S3ServerAccessLogDelivery"
    actions   = ["s3:PutObject"]
    resources = ["${module.access_log_bucket.arn}/*"]

    principals {
      type        = "Service"
      identifiers = ["logging.s3.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }
}

# CloudTrail log files: SSE-KMS with the audit key, archived to Glacier Instant Retrieval after 90
# days, expired after the CloudTrail retention.
module "trail_bucket" {
  source = "../s3-bucket"

  name        = "${var.name}-cloudtrail-${local.account_id}"
  environment = var.environment
  tags        = local.tags
  kms_key_arn = aws_kms_key.this["audit"].arn

  lifecycle_rule_id  = "archive-then-expire"
  archive_after_days = 90
  expiration_days    = var.cloudtrail_retention_days

  access_log_bucket = module.access_log_bucket.id
  access_log_prefix = "cloudtrail-bucket/"
  policy_json       = data.aws_iam_policy_document.trail_bucket.json
}

data "aws_iam_policy_document" "trail_bucket" {
  statement {
    sid       = "CloudTrailAclCheck"
    actions   = ["s3:GetBucketAcl"]
    resources = [module.trail_bucket.arn]

    principals {
      type        = "Service"
      identifiers = ["cloudtrail.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceArn"
      values   = [local.trail_arn]
    }
  }

  statement {
    sid       = "CloudTrailWrite"
    actions   = ["s3:PutObject"]
    resources = ["${module.trail_bucket.arn}/AWSLogs/${local.account_id}/*"]

    principals {
      type        = "Service"
      identifiers = ["cloudtrail.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceArn"
      values   = [local.trail_arn]
    }

    condition {
      test     = "StringEquals"
      variable = "s3:x-amz-acl"
      values   = ["bucket-owner-full-control"]
    }
  }
}

resource "aws_cloudwatch_log_group" "trail" {
  #checkov:skip=CKV_AWS_338:Retention follows the platform log policy (7-14 days staging, 30-90 days prod, enforced by validation); the year-long audit record is CloudTrail in S3.
  name              = "/plasma-engine/${var.environment}/cloudtrail"
  retention_in_days = var.cloudtrail_log_retention_days
  kms_key_id        = aws_kms_key.this["logs"].arn

  tags = local.tags
}

data "aws_iam_policy_document" "trail_logs_assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["cloudtrail.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceArn"
      values   = [local.trail_arn]
    }
  }
}

resource "aws_iam_role" "trail_logs" {
  name               = "${var.name}-cloudtrail-logs"
  assume_role_policy = data.aws_iam_policy_document.trail_logs_assume.json

  tags = local.tags
}

data "aws_iam_policy_document" "trail_logs" {
  statement {
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.trail.arn}:*"]
  }
}

resource "aws_iam_role_policy" "trail_logs" {
  name   = "write-cloudtrail-log-group"
  role   = aws_iam_role.trail_logs.id
  policy = data.aws_iam_policy_document.trail_logs.json
}

resource "aws_cloudtrail" "this" {
  #checkov:skip=CKV_AWS_252:Per-file delivery notifications add noise; alerting comes from the CloudWatch copy and GuardDuty findings.
  name                          = local.trail_name
  s3_bucket_name                = module.trail_bucket.id
  kms_key_id                    = aws_kms_key.this["audit"].arn
  is_multi_region_trail         = true
  include_global_service_events = true
  enable_log_file_validation    = true
  cloud_watch_logs_group_arn    = "${aws_cloudwatch_log_group.trail.arn}:*"
  cloud_watch_logs_role_arn     = aws_iam_role.trail_logs.arn

  tags = local.tags

  depends_on = [module.trail_bucket]
}
