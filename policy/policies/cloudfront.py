"""Rules for CloudFront distributions: HTTPS only, a modern TLS policy, private S3 origins, access logs.

Two settings may be left off for a reason the distribution states in a tag, so a reviewer reads it in the
preview and in the console: standard logging (`nullcheck:no-logging-reason`), and a custom certificate
(`nullcheck:default-certificate-reason`: on its `*.cloudfront.net` name CloudFront fixes the security policy at
TLSv1, whatever the program asks for).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pulumi_policy import ReportViolation, ResourceValidationArgs

from .declare import rule
from .props import as_list, mapping, tag
from .resource_types import DISTRIBUTION

HTTPS_VIEWER_POLICIES = frozenset(("redirect-to-https", "https-only"))
MODERN_TLS_POLICIES = frozenset(("TLSv1.2_2021", "TLSv1.2_2025", "TLSv1.3_2025"))
"""CloudFront security policies with TLS 1.2 or later and no CBC or SHA-1 ciphers."""
NO_LOGGING_REASON = "nullcheck:no-logging-reason"
DEFAULT_CERTIFICATE_REASON = "nullcheck:default-certificate-reason"
S3_REST_SUFFIXES = (".amazonaws.com", ".amazonaws.com.cn")


def behaviours(props: Mapping[str, Any]) -> list[tuple[str, Mapping[str, Any]]]:
    default = [("default", mapping(props.get("defaultCacheBehavior")))]
    ordered = [mapping(b) for b in as_list(props.get("orderedCacheBehaviors"))]
    return default + [(str(b.get("pathPattern")), b) for b in ordered]


@rule(
    "cloudfront-https-only",
    "Every behaviour of a distribution redirects HTTP to HTTPS or refuses it, and custom origins are reached"
    " over HTTPS only.",
)
def cloudfront_https_only(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if args.resource_type != DISTRIBUTION:
        return
    for pattern, behaviour in behaviours(args.props):
        policy = behaviour.get("viewerProtocolPolicy")
        if policy not in HTTPS_VIEWER_POLICIES:
            report(f"behaviour {pattern}: viewerProtocolPolicy is {policy}", None)
    for origin in (mapping(o) for o in as_list(args.props.get("origins"))):
        custom = mapping(origin.get("customOriginConfig"))
        if custom and custom.get("originProtocolPolicy") != "https-only":
            report(
                f"origin {origin.get('originId')}: originProtocolPolicy is {custom.get('originProtocolPolicy')}", None
            )


@rule(
    "cloudfront-minimum-tls",
    "A distribution with a custom certificate serves SNI only with security policy TLSv1.2_2021 or later; one on"
    " CloudFront's default certificate (TLSv1, fixed by CloudFront) says why in a tag"
    " nullcheck:default-certificate-reason.",
)
def cloudfront_minimum_tls(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if args.resource_type != DISTRIBUTION:
        return
    certificate = mapping(args.props.get("viewerCertificate"))
    if certificate.get("cloudfrontDefaultCertificate") is True:
        if not tag(args.props, DEFAULT_CERTIFICATE_REASON):
            report(f"the default certificate (TLSv1) without a reason (tag {DEFAULT_CERTIFICATE_REASON})", None)
        return
    version = certificate.get("minimumProtocolVersion")
    if version not in MODERN_TLS_POLICIES:
        report(f"minimumProtocolVersion is {version}: TLSv1.2_2021 or later", None)
    if certificate.get("sslSupportMethod") != "sni-only":
        report(f"sslSupportMethod is {certificate.get('sslSupportMethod')}: sni-only", None)


def s3_origin(domain: str) -> str:
    """`website` for an S3 website endpoint, `rest` for a bucket's REST endpoint, else ``."""
    if ".s3-website" in domain:
        return "website"
    if domain.endswith(S3_REST_SUFFIXES) and (".s3." in domain or ".s3-" in domain):
        return "rest"
    return ""


@rule(
    "cloudfront-s3-origin-access-control",
    "Every S3 origin of a distribution is a bucket's REST endpoint reached through origin access control: no"
    " origin access identity, no public website endpoint.",
)
def cloudfront_s3_origin_access_control(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if args.resource_type != DISTRIBUTION:
        return
    for origin in (mapping(o) for o in as_list(args.props.get("origins"))):
        name, kind = origin.get("originId"), s3_origin(str(origin.get("domainName") or ""))
        if kind == "website":
            report(f"origin {name}: an S3 website endpoint (a public bucket)", None)
        if mapping(origin.get("s3OriginConfig")).get("originAccessIdentity"):
            report(f"origin {name}: an origin access identity (legacy): use origin access control", None)
        if kind == "rest" and not origin.get("originAccessControlId"):
            report(f"origin {name}: an S3 origin without origin access control", None)


@rule(
    "cloudfront-access-logging",
    "Every distribution writes standard access logs to a bucket, or says why not in a tag nullcheck:no-logging-reason.",
)
def cloudfront_access_logging(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if args.resource_type != DISTRIBUTION:
        return
    if not mapping(args.props.get("loggingConfig")).get("bucket") and not tag(args.props, NO_LOGGING_REASON):
        report(f"no access logs and no reason (tag {NO_LOGGING_REASON})", None)
