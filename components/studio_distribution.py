"""The studio's CloudFront distribution: its origins, behaviours, certificate and logging, and its headers policy.

Two origins, one per behaviour:
- the default behaviour serves the site from the private bucket through origin access control, cached with the
  managed `CachingOptimized` policy, which honours each object's `Cache-Control` (hashed assets a year,
  `index.html` and `config.json` `no-cache`: CloudFront keeps those no longer than the policy's minimum TTL, one
  second); a viewer-request function answers the studio's routes with `/index.html`;
- `/api/*` goes to the API stage (HTTPS only, origin path `/<stage>`, `/api` stripped by a function) with the
  managed `CachingDisabled` cache policy and `AllViewerExceptHostHeader` origin request policy: nothing is cached,
  and every viewer header, `Authorization` included, reaches the API except `Host` (API Gateway answers only to
  its own host name). AWS documents that, with caching disabled, these origin request policies forward the
  `Authorization` header (re:Post knowledge center, "cloudfront-authorization-header").
"""

# No `from __future__ import annotations`: like the components, annotations stay plain at run time.

from typing import Any

import pulumi
import pulumi_aws as aws

CACHING_OPTIMIZED = "658327ea-f89d-4fab-a63d-7e88639e58f6"
"""Managed cache policy `CachingOptimized` (AWS's fixed id): TTL 1 s to a year, honouring `Cache-Control`."""
CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"
"""Managed cache policy `CachingDisabled` (AWS's fixed id)."""
ALL_VIEWER_EXCEPT_HOST_HEADER = "b689b0a8-53d0-40ab-baf2-68738e2966ac"
"""Managed origin request policy `AllViewerExceptHostHeader` (AWS's fixed id)."""
MINIMUM_TLS = "TLSv1.2_2021"
"""Security policy of a custom domain: TLS 1.2 and up, modern ciphers only."""
ALL_METHODS = ["DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT"]
READ_METHODS = ["GET", "HEAD"]
SITE_ORIGIN = "site"
API_ORIGIN = "api"
LOG_PREFIX = "studio/"


def distribution_args(
    *,
    site_domain: pulumi.Input[str],
    origin_access_control_id: pulumi.Input[str],
    api_domain: pulumi.Input[str],
    api_path: pulumi.Input[str],
    spa_routing_arn: pulumi.Input[str],
    api_prefix_arn: pulumi.Input[str],
    headers_policy_id: pulumi.Input[str],
    price_class: str,
    domain_name: str | None = None,
    certificate_arn: str | None = None,
    logging_bucket: str | None = None,
) -> dict[str, Any]:
    """Keyword arguments of `aws.cloudfront.Distribution` (all but its tags and options)."""
    return {
        "enabled": True,
        "comment": "NullCheck studio: the site, and the API under /api",
        "default_root_object": "index.html",
        "http_version": "http2and3",
        "is_ipv6_enabled": True,
        "price_class": price_class,
        "aliases": [domain_name] if domain_name else None,
        "origins": [
            aws.cloudfront.DistributionOriginArgs(
                origin_id=SITE_ORIGIN,
                domain_name=site_domain,
                origin_access_control_id=origin_access_control_id,
            ),
            aws.cloudfront.DistributionOriginArgs(
                origin_id=API_ORIGIN,
                domain_name=api_domain,
                origin_path=api_path,
                custom_origin_config=aws.cloudfront.DistributionOriginCustomOriginConfigArgs(
                    http_port=80,
                    https_port=443,
                    origin_protocol_policy="https-only",
                    origin_ssl_protocols=["TLSv1.2"],
                ),
            ),
        ],
        "default_cache_behavior": aws.cloudfront.DistributionDefaultCacheBehaviorArgs(
            target_origin_id=SITE_ORIGIN,
            viewer_protocol_policy="redirect-to-https",
            allowed_methods=READ_METHODS,
            cached_methods=READ_METHODS,
            cache_policy_id=CACHING_OPTIMIZED,
            compress=True,
            response_headers_policy_id=headers_policy_id,
            function_associations=[
                aws.cloudfront.DistributionDefaultCacheBehaviorFunctionAssociationArgs(
                    event_type="viewer-request", function_arn=spa_routing_arn
                )
            ],
        ),
        "ordered_cache_behaviors": [
            aws.cloudfront.DistributionOrderedCacheBehaviorArgs(
                path_pattern="/api/*",
                target_origin_id=API_ORIGIN,
                # An API client is not redirected (a redirected POST loses its body): HTTPS or nothing.
                viewer_protocol_policy="https-only",
                allowed_methods=ALL_METHODS,
                cached_methods=READ_METHODS,
                cache_policy_id=CACHING_DISABLED,
                origin_request_policy_id=ALL_VIEWER_EXCEPT_HOST_HEADER,
                compress=True,
                response_headers_policy_id=headers_policy_id,
                function_associations=[
                    aws.cloudfront.DistributionOrderedCacheBehaviorFunctionAssociationArgs(
                        event_type="viewer-request", function_arn=api_prefix_arn
                    )
                ],
            )
        ],
        "restrictions": aws.cloudfront.DistributionRestrictionsArgs(
            geo_restriction=aws.cloudfront.DistributionRestrictionsGeoRestrictionArgs(restriction_type="none")
        ),
        "viewer_certificate": (
            aws.cloudfront.DistributionViewerCertificateArgs(
                acm_certificate_arn=certificate_arn, ssl_support_method="sni-only", minimum_protocol_version=MINIMUM_TLS
            )
            if certificate_arn
            else aws.cloudfront.DistributionViewerCertificateArgs(cloudfront_default_certificate=True)
        ),
        "logging_config": (
            aws.cloudfront.DistributionLoggingConfigArgs(
                bucket=logging_bucket, include_cookies=False, prefix=LOG_PREFIX
            )
            if logging_bucket
            else None
        ),
    }


def hsts_fields(value: str) -> dict[str, Any]:
    """`max-age=N; includeSubDomains; preload` as the policy's fields."""
    parts = [part.strip() for part in value.split(";")]
    max_age = next(int(part.partition("=")[2]) for part in parts if part.startswith("max-age="))
    return {"max_age": max_age, "include_subdomains": "includeSubDomains" in parts, "preload": "preload" in parts}


def security_headers_config(headers: dict[str, str]) -> aws.cloudfront.ResponseHeadersPolicySecurityHeadersConfigArgs:
    """A response headers policy's security headers from `studio_site.security_headers` (each overriding the
    origin's), so CloudFront adds exactly what the local stack adds."""
    known = {
        "Content-Security-Policy",
        "Strict-Transport-Security",
        "X-Frame-Options",
        "X-Content-Type-Options",
        "Referrer-Policy",
    }
    if set(headers) != known or headers["X-Content-Type-Options"] != "nosniff":
        raise ValueError(f"a security headers policy holds exactly {sorted(known)} (nosniff): got {headers}")
    hsts = hsts_fields(headers["Strict-Transport-Security"])
    return aws.cloudfront.ResponseHeadersPolicySecurityHeadersConfigArgs(
        content_security_policy=aws.cloudfront.ResponseHeadersPolicySecurityHeadersConfigContentSecurityPolicyArgs(
            content_security_policy=headers["Content-Security-Policy"], override=True
        ),
        strict_transport_security=aws.cloudfront.ResponseHeadersPolicySecurityHeadersConfigStrictTransportSecurityArgs(
            access_control_max_age_sec=hsts["max_age"],
            include_subdomains=hsts["include_subdomains"],
            preload=hsts["preload"],
            override=True,
        ),
        frame_options=aws.cloudfront.ResponseHeadersPolicySecurityHeadersConfigFrameOptionsArgs(
            frame_option=headers["X-Frame-Options"], override=True
        ),
        content_type_options=aws.cloudfront.ResponseHeadersPolicySecurityHeadersConfigContentTypeOptionsArgs(
            override=True
        ),
        referrer_policy=aws.cloudfront.ResponseHeadersPolicySecurityHeadersConfigReferrerPolicyArgs(
            referrer_policy=headers["Referrer-Policy"], override=True
        ),
    )
