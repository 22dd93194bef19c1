# Hosting for the knowledge base: a private S3 bucket served only through CloudFront with origin
# access control, TLS 1.2 or later, a security response-headers policy and access logs.

locals {
  tags = merge({
    Project     = "plasma-engine"
    Environment = var.environment
    ManagedBy   = "terraform"
    Module      = "docs-site"
  }, var.tags)

  account_id = data.aws_caller_identity.current.account_id
}

data "aws_caller_identity" "current" {}

data "aws_cloudfront_cache_policy" "optimized" {
  name = "Managed-CachingOptimized"
}

# The site bucket: private, reachable only through CloudFront (policy below), SSE-S3 because the
# content is published anyway and CloudFront would otherwise need kms:Decrypt.
module "site_bucket" {
  source = "../s3-bucket"

  name        = "${var.name}-site-${local.account_id}"
  environment = var.environment
  tags        = local.tags

  # Every deploy overwrites pages; old versions are kept a month for rollback, then dropped.
  lifecycle_rule_id                 = "expire-old-versions"
  noncurrent_version_retention_days = 30

  access_log_bucket = module.log_bucket.id
  access_log_prefix = "s3-access/"
  policy_json       = data.aws_iam_policy_document.site.json
}

# CloudFront standard logs and the site bucket's server access logs. CloudFront writes through a
# bucket ACL grant, hence BucketOwnerPreferred; S3 log delivery needs SSE-S3.
module "log_bucket" {
  #checkov:skip=CKV2_AWS_65:CloudFront standard logging writes through a bucket ACL grant, which BucketOwnerEnforced would disable.
  source = "../s3-bucket"

  name             = "${var.name}-logs-${local.account_id}"
  environment      = var.environment
  tags             = local.tags
  object_ownership = "BucketOwnerPreferred"

  lifecycle_rule_id                 = "expire-access-logs"
  expiration_days                   = var.access_log_retention_days
  noncurrent_version_retention_days = 1
  abort_incomplete_upload_days      = 1

  policy_json = data.aws_iam_policy_document.logs.json
}

data "aws_iam_policy_document" "logs" {
  statement {
    sid       = "S3ServerAccessLogDelivery"
    actions   = ["s3:PutObject"]
    resources = ["${module.log_bucket.arn}/s3-access/*"]

    principals {
      type        = "Service"
      identifiers = ["logging.s3.amazonaws.com"]
    }

    condition {
      test     = "ArnLike"
      variable = "aws:SourceArn"
      values   = [module.site_bucket.arn]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }
}

resource "aws_cloudfront_origin_access_control" "this" {
  name                              = "${var.name}-site"
  description                       = "CloudFront signs every request to the private site bucket"
  origin_access_control_origin_type = "s3"
  signing_behavior                  = "always"
  signing_protocol                  = "sigv4"
}

# MkDocs writes directory URLs (/devops/ -> /devops/index.html); the S3 REST origin does not
# resolve index documents, so the viewer request is rewritten at the edge.
resource "aws_cloudfront_function" "index_rewrite" {
  name    = "${var.name}-index-rewrite"
  runtime = "cloudfront-js-2.0"
  comment = "Append index.html to directory URLs"
  publish = true
  code    = <<-JS
    function handler(event) {
      var request = event.request;
      if (request.uri.endsWith("/")) {
        request.uri += "index.html";
      } else if (!request.uri.split("/").pop().includes(".")) {
        request.uri += "/index.html";
      }
      return request;
    }
  JS
}

resource "aws_cloudfront_response_headers_policy" "this" {
  name    = "${var.name}-security-headers"
  comment = "CSP, HSTS, nosniff, frame denial and referrer policy for the knowledge base"

  security_headers_config {
    content_security_policy {
      content_security_policy = var.content_security_policy
      override                = true
    }

    strict_transport_security {
      access_control_max_age_sec = var.hsts_max_age_seconds
      include_subdomains         = true
      preload                    = true
      override                   = true
    }

    content_type_options {
      override = true
    }

    frame_options {
      frame_option = "DENY"
      override     = true
    }

    referrer_policy {
      referrer_policy = "strict-origin-when-cross-origin"
      override        = true
    }
  }
}

resource "aws_cloudfront_distribution" "this" {
  #checkov:skip=CKV_AWS_68:A static, read-only site behind CloudFront's built-in Shield Standard; no forms or APIs for a WAF rule set to protect.
  #checkov:skip=CKV2_AWS_47:No WAF is attached (see CKV_AWS_68), so there is no rule set to add the Log4j rule to; the site runs no Java.
  #checkov:skip=CKV_AWS_310:A single S3 origin: S3 is regional and multi-AZ, and a second origin would need a replicated bucket for content rebuilt from git in minutes.
  #checkov:skip=CKV_AWS_374:The knowledge base serves a distributed team; there is no country to block.
  enabled             = true
  is_ipv6_enabled     = true
  http_version        = "http2and3"
  comment             = "Plasma Engine DevOps knowledge base (${var.environment})"
  aliases             = var.domain_names
  default_root_object = "index.html"
  price_class         = var.price_class

  origin {
    origin_id                = "site"
    domain_name              = module.site_bucket.bucket_regional_domain_name
    origin_access_control_id = aws_cloudfront_origin_access_control.this.id
  }

  default_cache_behavior {
    target_origin_id           = "site"
    viewer_protocol_policy     = "redirect-to-https"
    allowed_methods            = ["GET", "HEAD"]
    cached_methods             = ["GET", "HEAD"]
    compress                   = true
    cache_policy_id            = data.aws_cloudfront_cache_policy.optimized.id
    response_headers_policy_id = aws_cloudfront_response_headers_policy.this.id

    function_association {
      event_type   = "viewer-request"
      function_arn = aws_cloudfront_function.index_rewrite.arn
    }
  }

  custom_error_response {
    error_code         = 403
    response_code      = 404
    response_page_path = "/404.html"
  }

  viewer_certificate {
    acm_certificate_arn      = var.acm_certificate_arn
    ssl_support_method       = "sni-only"
    minimum_protocol_version = "TLSv1.2_2021"
  }

  restrictions {
    geo_restriction {
      restriction_type = "none"
    }
  }

  logging_config {
    bucket          = module.log_bucket.bucket_domain_name
    prefix          = "cloudfront/"
    include_cookies = false
  }

  tags = local.tags
}

data "aws_iam_policy_document" "site" {
  statement {
    sid       = "CloudFrontReadsThroughOAC"
    actions   = ["s3:GetObject"]
    resources = ["${module.site_bucket.arn}/*"]

    principals {
      type        = "Service"
      identifiers = ["cloudfront.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "AWS:SourceArn"
      values   = [aws_cloudfront_distribution.this.arn]
    }
  }
}
