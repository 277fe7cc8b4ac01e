"""The studio on AWS: its built files in a private bucket, served by CloudFront with the API on the same origin.

One distribution answers both: `/api/*` goes to the API stage (no cache, every viewer header but Host, so the
`Authorization` header reaches the API), everything else to the bucket through origin access control. The
studio and its API therefore share an origin: the content security policy says `connect-src 'self'` for the
API, the API's CORS needs no studio origin, and the browser sends no preflights. Only the media bucket, which
browsers reach with presigned URLs, lists the studio's origin in its CORS rules (the backend does that).

Every file of the build is one S3 object with its content type and `Cache-Control` (`studio_site`): hashed
assets a year, `index.html` and `config.json` never. The objects are file assets, compared by content hash,
so a `pulumi preview` over the same build shows no studio diff. `config.json` is written from the stack's
outputs (the user pool, its client, the region).
"""

# No `from __future__ import annotations`: the provider's schema analyzer reads these annotations at run time.

import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import NotRequired, TypedDict
from urllib.parse import urlsplit

import pulumi
import pulumi_aws as aws

from components import studio_site
from components.bucket_controls import private_bucket_controls
from components.media_bucket import tls_only_policy
from components.studio_distribution import distribution_args, security_headers_config

TYPE = "nullcheck:index:Studio"

NO_LOGGING_REASON_TAG = "nullcheck:no-logging-reason"
"""A distribution without access logs says why (policy rule cloudfront-access-logging)."""
DEFAULT_CERTIFICATE_REASON_TAG = "nullcheck:default-certificate-reason"
"""A distribution on CloudFront's own certificate (TLSv1 minimum, fixed by CloudFront) says why
(policy rule cloudfront-minimum-tls)."""
DISPOSABLE_REASON_TAG = "nullcheck:disposable-reason"
"""A bucket whose every object the stack declares says so: no expiry, no protection (s3-lifecycle-expiry,
stateful-data-protected)."""

NO_LOGGING_REASON = (
    "static files only - API requests through /api are in the API stage access logs - set studioLoggingBucket to log"
)
DEFAULT_CERTIFICATE_REASON = (
    "no custom domain - CloudFront fixes TLSv1 on cloudfront.net - set studioDomainName and studioCertificateArn"
    " for TLSv1.2_2021"
)
DISPOSABLE_REASON = "every object is the studio build or config.json - each deployment rewrites them"
"""Tag values allow letters, digits, spaces and `_ . : / = + - @` only (no commas or parentheses)."""


class StudioArgs(TypedDict):
    """The built site and what it talks to; every field but the first five is optional."""

    site_directory: str
    """Directory of the built site (`studio/dist` after `make studio`), holding `index.html`; relative to the
    program's working directory (the project directory)."""
    api_url: pulumi.Input[str]
    """Invoke URL of the API stage (`https://<id>.execute-api.<region>.amazonaws.com/<stage>`): served as `/api/*`."""
    user_pool_id: pulumi.Input[str]
    """Cognito user pool the studio signs in to (written to `config.json`)."""
    user_pool_client_id: pulumi.Input[str]
    """App client of that pool the studio signs in with (written to `config.json`)."""
    media_bucket_domain: pulumi.Input[str]
    """Host of the media bucket's presigned URLs (`<bucket>.s3.amazonaws.com`, the bucket's domain name): uploads
    and playback go there, so the content security policy lets the studio connect to it."""
    region: NotRequired[pulumi.Input[str]]
    """Region of the user pool (`config.json`, the Cognito endpoint). Default the provider's region."""
    price_class: NotRequired[str]
    """CloudFront price class. Default `PriceClass_100` (North America and Europe edge locations)."""
    domain_name: NotRequired[str]
    """Custom domain of the studio (with `certificate_arn`); its DNS name points at `distribution_domain_name`.
    Default none: CloudFront's `*.cloudfront.net` name."""
    certificate_arn: NotRequired[str]
    """ACM certificate (in us-east-1) for `domain_name`; served SNI only, TLSv1.2_2021 minimum."""
    logging_bucket: NotRequired[str]
    """Domain name of an existing bucket (`<bucket>.s3.amazonaws.com`, ACLs enabled, as CloudFront's standard
    logging requires) that receives the access logs under `studio/`. Default none: no access logs, and the
    distribution carries the reason (tag `nullcheck:no-logging-reason`)."""


class StudioSettings(TypedDict):
    """The studio as the backend builds it: the site and how it is served (the rest comes from the backend)."""

    site_directory: str
    """Directory of the built site (`studio/dist` after `make studio`), holding `index.html`."""
    price_class: NotRequired[str]
    """CloudFront price class. Default `PriceClass_100`."""
    domain_name: NotRequired[str]
    """Custom domain of the studio (with `certificate_arn`). Default CloudFront's `*.cloudfront.net` name."""
    certificate_arn: NotRequired[str]
    """ACM certificate (in us-east-1) for `domain_name`."""
    logging_bucket: NotRequired[str]
    """Domain name of an existing bucket for the access logs. Default none (no access logs)."""


def built_site(args: StudioArgs | StudioSettings) -> list[tuple[str, Path, str, str]]:
    """The site's files; stops the program with what to do when they cannot be served (no build, half a domain)."""
    if bool(args.get("domain_name")) != bool(args.get("certificate_arn")):
        raise pulumi.RunError("a studio custom domain needs both domain_name and certificate_arn")
    try:
        return studio_site.site_files(args["site_directory"])
    except studio_site.SiteNotBuilt as error:
        raise pulumi.RunError(str(error)) from error


class PendingUrl:
    """The studio's address before its distribution exists (the media bucket's CORS rules need it first).

    A deferred output: `resolve` gives it the studio's URL. A program that stops before (a bad setting, no build)
    must `abandon` it, or whatever waits on it would keep `pulumi preview` waiting forever."""

    def __init__(self) -> None:
        deferred: tuple[pulumi.Output[str], Callable[[pulumi.Output[str]], None]] = pulumi.deferred_output()
        self.output, self._resolve = deferred
        self._resolved = False

    def resolve(self, url: pulumi.Output[str]) -> None:
        self._resolved = True
        self._resolve(url)

    def abandon(self, reason: BaseException) -> None:
        def stopped(_: object) -> str:
            raise RuntimeError(f"the program stopped before the studio was built: {reason}")

        if not self._resolved:
            self.resolve(pulumi.Output.from_input("").apply(stopped))


def file_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def api_origin(url: str) -> tuple[str, str]:
    """The API's host and origin path (the stage) from its invoke URL."""
    parts = urlsplit(url)
    return parts.netloc, parts.path.rstrip("/")


class Studio(pulumi.ComponentResource):
    """The studio's built site in a private bucket, served by CloudFront (origin access control, HTTPS only,
    security headers, SPA routing) with the API under `/api/*` on the same origin, and `config.json` from the
    stack's outputs."""

    url: pulumi.Output[str]
    """Address of the studio (`https://…`): its custom domain, else the distribution's."""
    distribution_id: pulumi.Output[str]
    """Id of the CloudFront distribution (for invalidations)."""
    distribution_domain_name: pulumi.Output[str]
    """The distribution's own name (`d….cloudfront.net`): where a custom domain's DNS record points."""
    bucket_name: pulumi.Output[str]
    """Name of the private bucket holding the site."""

    def __init__(self, name: str, args: StudioArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(TYPE, name, None, opts)
        files = built_site(args)
        domain_name, certificate_arn = args.get("domain_name"), args.get("certificate_arn")
        child = pulumi.ResourceOptions(parent=self)
        region = pulumi.Output.from_input(
            args.get("region") or aws.get_region_output(opts=pulumi.InvokeOutputOptions(parent=self)).region
        )
        cognito_endpoint = region.apply(studio_site.cognito_endpoint)

        self.bucket = aws.s3.Bucket(f"{name}-bucket", tags={DISPOSABLE_REASON_TAG: DISPOSABLE_REASON}, opts=child)
        bucket_id = self.bucket.id
        private_bucket_controls(name, bucket_id, child)
        self.origin_access_control = aws.cloudfront.OriginAccessControl(
            f"{name}-oac",
            description="CloudFront signs every request to the studio's bucket",
            origin_access_control_origin_type="s3",
            signing_behavior="always",
            signing_protocol="sigv4",
            opts=child,
        )
        self.spa_routing = aws.cloudfront.Function(
            f"{name}-spa-routing",
            runtime="cloudfront-js-2.0",
            publish=True,
            comment="A path without a file extension is a route of the studio: answer with /index.html",
            code=SPA_ROUTING_CODE,
            opts=child,
        )
        self.api_prefix = aws.cloudfront.Function(
            f"{name}-api-prefix",
            runtime="cloudfront-js-2.0",
            publish=True,
            comment="Strips /api from the path: the origin path adds the API's stage",
            code=API_PREFIX_CODE,
            opts=child,
        )
        self.headers_policy = aws.cloudfront.ResponseHeadersPolicy(
            f"{name}-headers",
            comment="NullCheck studio: content security policy, HSTS, no framing",
            security_headers_config=pulumi.Output.all(cognito_endpoint, args["media_bucket_domain"]).apply(
                lambda values: security_headers_config(
                    studio_site.security_headers(cognito_endpoint=values[0], media_origin=values[1])
                )
            ),
            opts=child,
        )
        api = pulumi.Output.from_input(args["api_url"]).apply(api_origin)
        tags = {DEFAULT_CERTIFICATE_REASON_TAG: DEFAULT_CERTIFICATE_REASON} if not certificate_arn else {}
        if not args.get("logging_bucket"):
            tags[NO_LOGGING_REASON_TAG] = NO_LOGGING_REASON
        self.distribution = aws.cloudfront.Distribution(
            f"{name}-distribution",
            **distribution_args(
                site_domain=self.bucket.bucket_regional_domain_name,
                origin_access_control_id=self.origin_access_control.id,
                api_domain=api.apply(lambda parts: parts[0]),
                api_path=api.apply(lambda parts: parts[1]),
                spa_routing_arn=self.spa_routing.arn,
                api_prefix_arn=self.api_prefix.arn,
                headers_policy_id=self.headers_policy.id,
                price_class=args.get("price_class") or "PriceClass_100",
                domain_name=domain_name,
                certificate_arn=certificate_arn,
                logging_bucket=args.get("logging_bucket"),
            ),
            tags=tags,
            opts=child,
        )
        aws.s3.BucketPolicy(
            f"{name}-bucket-policy",
            bucket=bucket_id,
            policy=pulumi.Output.all(self.bucket.arn, self.distribution.arn).apply(
                lambda arns: json.dumps(bucket_policy(arns[0], arns[1]))
            ),
            opts=child,
        )
        self.files = {
            key: aws.s3.BucketObjectv2(
                f"{name}-file-{key}",
                bucket=bucket_id,
                key=key,
                # A file asset is compared by its content's hash: the same build, no diff.
                source=pulumi.FileAsset(str(path)),
                source_hash=file_hash(path),
                content_type=content_type,
                cache_control=cache_control,
                opts=child,
            )
            for key, path, content_type, cache_control in files
        }
        config = pulumi.Output.all(region, args["user_pool_id"], args["user_pool_client_id"], cognito_endpoint)
        self.config = aws.s3.BucketObjectv2(
            f"{name}-config",
            bucket=bucket_id,
            key=studio_site.CONFIG,
            content=config.apply(
                lambda values: (
                    json.dumps(
                        studio_site.config_document(
                            region=values[0],
                            user_pool_id=values[1],
                            user_pool_client_id=values[2],
                            cognito_endpoint=values[3],
                        ),
                        indent=2,
                        sort_keys=True,
                    )
                    + "\n"
                )
            ),
            content_type=studio_site.content_type(studio_site.CONFIG),
            cache_control=studio_site.cache_control(studio_site.CONFIG),
            opts=child,
        )

        self.distribution_domain_name = self.distribution.domain_name
        self.url = (
            pulumi.Output.concat("https://", domain_name)
            if domain_name
            else self.distribution.domain_name.apply(lambda domain: f"https://{domain}")
        )
        self.distribution_id = self.distribution.id
        self.bucket_name = self.bucket.bucket
        self.register_outputs(
            {
                "url": self.url,
                "distributionId": self.distribution_id,
                "distributionDomainName": self.distribution_domain_name,
                "bucketName": self.bucket_name,
            }
        )


def bucket_policy(bucket_arn: str, distribution_arn: str) -> dict[str, object]:
    """CloudFront (this distribution only) reads the objects; nothing arrives without TLS."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "CloudFrontReadsTheSite",
                "Effect": "Allow",
                "Principal": {"Service": "cloudfront.amazonaws.com"},
                "Action": "s3:GetObject",
                "Resource": f"{bucket_arn}/*",
                "Condition": {"StringEquals": {"AWS:SourceArn": distribution_arn}},
            },
            *tls_only_policy(bucket_arn)["Statement"],  # type: ignore[misc]
        ],
    }


SPA_ROUTING_CODE = """\
// The studio's routes (/episodes/42) are paths without a file extension: answer them with the app.
function handler(event) {
  var request = event.request;
  var uri = request.uri;
  if (uri.lastIndexOf('.') <= uri.lastIndexOf('/')) {
    request.uri = '/index.html';
  }
  return request;
}
"""

API_PREFIX_CODE = """\
// /api/episodes reaches the API as /episodes: the origin path puts the stage in front.
function handler(event) {
  var request = event.request;
  request.uri = request.uri.substring(4) || '/';
  return request;
}
"""
