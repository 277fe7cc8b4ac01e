"""The Studio component under Pulumi mocks: a private bucket behind CloudFront with origin access control, the API
under `/api/*` on the same origin, the security headers of `studio_site`, and one object per site file."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pulumi
import pytest

from components import studio_distribution, studio_site
from components.studio import (
    DEFAULT_CERTIFICATE_REASON_TAG,
    DISPOSABLE_REASON_TAG,
    NO_LOGGING_REASON_TAG,
    TYPE,
    Studio,
    StudioArgs,
)
from tests.pulumi_mocks import ACCOUNT, RecordingMocks, registration, resolve
from tests.studio_fixture import FILES, write_studio_site

DISTRIBUTION = "aws:cloudfront/distribution:Distribution"
OBJECT = "aws:s3/bucketObjectv2:BucketObjectv2"
BUCKET = "aws:s3/bucket:Bucket"
API_URL = "https://a1b2c3d4e5.execute-api.us-east-1.amazonaws.com/api"
MEDIA = "nullcheck-media-abc.s3.amazonaws.com"
TAG_VALUE = re.compile(r"^[\w\s.:/=+\-@]{1,256}$")
"""What AWS accepts in a tag value."""


@pytest.fixture
def site(tmp_path: Path) -> Path:
    return write_studio_site(tmp_path / "dist")


def studio(site: Path, **extra: Any) -> Studio:
    args = StudioArgs(
        site_directory=str(site),
        api_url=API_URL,
        user_pool_id="us-east-1_Pool",
        user_pool_client_id="client-1",
        media_bucket_domain=MEDIA,
        **extra,
    )
    return Studio("studio", args)


def test_the_bucket_is_private_encrypted_and_read_by_this_distribution_only(
    mocks: RecordingMocks, build: Any, site: Path
) -> None:
    component = build(lambda: studio(site))
    bucket = mocks.one(BUCKET)
    assert bucket.inputs["tags"][DISPOSABLE_REASON_TAG] and "acl" not in bucket.inputs
    block = mocks.one("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock").inputs
    assert all(block[flag] is True for flag in ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls"))
    assert block["restrictPublicBuckets"] is True
    ownership = mocks.one("aws:s3/bucketOwnershipControls:BucketOwnershipControls").inputs
    assert ownership["rule"] == {"objectOwnership": "BucketOwnerEnforced"}
    [rule] = mocks.one("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration").inputs[
        "rules"
    ]
    assert rule["applyServerSideEncryptionByDefault"]["sseAlgorithm"] == "AES256"

    oac = mocks.one("aws:cloudfront/originAccessControl:OriginAccessControl").inputs
    assert (oac["originAccessControlOriginType"], oac["signingBehavior"], oac["signingProtocol"]) == (
        "s3",
        "always",
        "sigv4",
    )
    distribution = mocks.one(DISTRIBUTION)
    policy = json.loads(mocks.one("aws:s3/bucketPolicy:BucketPolicy").inputs["policy"])
    read, deny = policy["Statement"]
    bucket_arn = f"arn:aws:s3:::{bucket.outputs['bucket']}"  # type: ignore[attr-defined]
    assert read["Principal"] == {"Service": "cloudfront.amazonaws.com"} and read["Action"] == "s3:GetObject"
    assert read["Resource"] == f"{bucket_arn}/*"
    assert read["Condition"] == {"StringEquals": {"AWS:SourceArn": distribution.outputs["arn"]}}  # type: ignore[attr-defined]
    assert distribution.outputs["arn"].startswith(f"arn:aws:cloudfront::{ACCOUNT}:distribution/E")  # type: ignore[attr-defined]
    assert deny["Effect"] == "Deny" and deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    assert resolve(component.bucket_name) == bucket.outputs["bucket"]  # type: ignore[attr-defined]
    assert registration(bucket).parent == resolve(component.urn) and resolve(component.urn).endswith(f"{TYPE}::studio")


def test_the_site_and_the_api_share_one_https_origin(mocks: RecordingMocks, build: Any, site: Path) -> None:
    component = build(lambda: studio(site))
    distribution = mocks.one(DISTRIBUTION)
    inputs = distribution.inputs
    origins = {origin["originId"]: origin for origin in inputs["origins"]}
    bucket = mocks.one(BUCKET).outputs  # type: ignore[attr-defined]
    oac = mocks.one("aws:cloudfront/originAccessControl:OriginAccessControl")
    assert origins["site"]["domainName"] == bucket["bucketRegionalDomainName"]
    assert origins["site"]["originAccessControlId"] == oac.id  # type: ignore[attr-defined]
    assert "s3OriginConfig" not in origins["site"]
    assert origins["api"]["domainName"] == "a1b2c3d4e5.execute-api.us-east-1.amazonaws.com"
    assert origins["api"]["originPath"] == "/api"
    assert origins["api"]["customOriginConfig"]["originProtocolPolicy"] == "https-only"

    default = inputs["defaultCacheBehavior"]
    assert default["targetOriginId"] == "site" and default["viewerProtocolPolicy"] == "redirect-to-https"
    assert default["cachePolicyId"] == studio_distribution.CACHING_OPTIMIZED and default["compress"] is True
    [api] = inputs["orderedCacheBehaviors"]
    assert api["pathPattern"] == "/api/*" and api["targetOriginId"] == "api"
    assert api["viewerProtocolPolicy"] == "https-only"
    assert set(api["allowedMethods"]) == {"DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT"}
    assert api["cachePolicyId"] == studio_distribution.CACHING_DISABLED
    assert api["originRequestPolicyId"] == studio_distribution.ALL_VIEWER_EXCEPT_HOST_HEADER

    functions = {f.name: f for f in mocks.of_type("aws:cloudfront/function:Function")}
    assert [a["functionArn"] for a in default["functionAssociations"]] == [
        functions["studio-spa-routing"].outputs["arn"]
    ]  # type: ignore[attr-defined]
    assert [a["functionArn"] for a in api["functionAssociations"]] == [functions["studio-api-prefix"].outputs["arn"]]  # type: ignore[attr-defined]
    assert {a["eventType"] for a in [*default["functionAssociations"], *api["functionAssociations"]]} == {
        "viewer-request"
    }
    assert all(f.inputs["publish"] is True and f.inputs["runtime"] == "cloudfront-js-2.0" for f in functions.values())

    assert inputs["viewerCertificate"] == {"cloudfrontDefaultCertificate": True}
    assert inputs["httpVersion"] == "http2and3" and inputs["isIpv6Enabled"] is True
    assert inputs["priceClass"] == "PriceClass_100" and "loggingConfig" not in inputs
    assert set(inputs["tags"]) == {DEFAULT_CERTIFICATE_REASON_TAG, NO_LOGGING_REASON_TAG}
    assert all(
        TAG_VALUE.match(value) for value in [*inputs["tags"].values(), *mocks.one(BUCKET).inputs["tags"].values()]
    )
    domain = distribution.outputs["domainName"]  # type: ignore[attr-defined]
    assert resolve(component.url) == f"https://{domain}" and resolve(component.distribution_domain_name) == domain
    assert resolve(component.distribution_id) == distribution.id  # type: ignore[attr-defined]


def test_hashed_assets_are_kept_a_year_and_the_rest_never(mocks: RecordingMocks, build: Any, site: Path) -> None:
    build(lambda: studio(site))
    objects = {item.inputs["key"]: item.inputs for item in mocks.of_type(OBJECT)}
    assert set(objects) == {*FILES, "config.json"}
    assert objects["assets/app-abc123.js"]["cacheControl"] == "public, max-age=31536000, immutable"
    assert objects["assets/app-def456.css"]["cacheControl"] == "public, max-age=31536000, immutable"
    assert objects["index.html"]["cacheControl"] == "no-cache" and objects["config.json"]["cacheControl"] == "no-cache"
    assert objects["favicon.svg"]["cacheControl"] == "no-cache"
    assert objects["index.html"]["contentType"] == "text/html; charset=utf-8"
    assert objects["assets/app-abc123.js"]["contentType"] == "text/javascript; charset=utf-8"
    assert objects["assets/app-def456.css"]["contentType"] == "text/css; charset=utf-8"
    assert objects["index.html"]["source"].path == str(site / "index.html")


def test_config_json_comes_from_the_outputs(mocks: RecordingMocks, build: Any, site: Path) -> None:
    build(lambda: studio(site))
    [config] = [item.inputs for item in mocks.of_type(OBJECT) if item.inputs["key"] == "config.json"]
    assert config["contentType"] == "application/json"
    assert json.loads(config["content"]) == {
        "apiUrl": "/api",
        "region": "us-east-1",
        "userPoolId": "us-east-1_Pool",
        "userPoolClientId": "client-1",
        "cognitoEndpoint": "https://cognito-idp.us-east-1.amazonaws.com/",
    }


def headers_of(config: dict[str, Any]) -> dict[str, str]:
    """The headers a response headers policy's security config adds, as a browser sees them."""
    hsts = config["strictTransportSecurity"]
    return {
        "Content-Security-Policy": config["contentSecurityPolicy"]["contentSecurityPolicy"],
        "Strict-Transport-Security": f"max-age={int(hsts['accessControlMaxAgeSec'])}"
        + ("; includeSubDomains" if hsts["includeSubdomains"] else "")
        + ("; preload" if hsts["preload"] else ""),
        "X-Frame-Options": config["frameOptions"]["frameOption"],
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": config["referrerPolicy"]["referrerPolicy"],
    }


def test_the_headers_policy_adds_exactly_the_studio_site_headers(mocks: RecordingMocks, build: Any, site: Path) -> None:
    build(lambda: studio(site))
    policy = mocks.one("aws:cloudfront/responseHeadersPolicy:ResponseHeadersPolicy")
    config = policy.inputs["securityHeadersConfig"]
    expected = studio_site.security_headers(
        cognito_endpoint="https://cognito-idp.us-east-1.amazonaws.com/", media_origin=MEDIA
    )
    assert headers_of(config) == expected
    assert all(section["override"] is True for section in config.values())
    csp = expected["Content-Security-Policy"]
    assert "connect-src 'self' https://cognito-idp.us-east-1.amazonaws.com https://" + MEDIA in csp
    assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
    inputs = mocks.one(DISTRIBUTION).inputs
    assert inputs["defaultCacheBehavior"]["responseHeadersPolicyId"] == policy.id  # type: ignore[attr-defined]
    assert inputs["orderedCacheBehaviors"][0]["responseHeadersPolicyId"] == policy.id  # type: ignore[attr-defined]


def test_the_same_build_gives_the_same_objects(mocks: RecordingMocks, build: Any, site: Path, tmp_path: Path) -> None:
    """What `pulumi preview` compares: the same site (here a copy elsewhere, as on another machine) registers the same
    object inputs, and file assets are compared by content hash, never by path."""
    build(lambda: studio(site))
    first = {item.name: item.inputs for item in mocks.of_type(OBJECT)}
    copy = shutil.copytree(site, tmp_path / "elsewhere" / "dist")
    again = RecordingMocks()
    pulumi.runtime.set_mocks(again, project="nullcheck", stack="test", preview=False)
    build(lambda: studio(copy))
    second = {item.name: item.inputs for item in again.of_type(OBJECT)}
    assert set(first) == set(second)
    for name, inputs in first.items():
        other = second[name]
        assert {k: v for k, v in inputs.items() if k != "source"} == {k: v for k, v in other.items() if k != "source"}
        if "source" in inputs:
            assert Path(inputs["source"].path).read_bytes() == Path(other["source"].path).read_bytes()
            assert inputs["sourceHash"] == other["sourceHash"]


def test_a_custom_domain_gets_tls_1_2_and_logs_when_asked(mocks: RecordingMocks, build: Any, site: Path) -> None:
    certificate = f"arn:aws:acm:us-east-1:{ACCOUNT}:certificate/abc"
    component = build(
        lambda: studio(
            site,
            domain_name="studio.example.com",
            certificate_arn=certificate,
            logging_bucket="logs.s3.amazonaws.com",
            price_class="PriceClass_All",
        )
    )
    inputs = mocks.one(DISTRIBUTION).inputs
    assert inputs["aliases"] == ["studio.example.com"] and inputs["priceClass"] == "PriceClass_All"
    assert inputs["viewerCertificate"] == {
        "acmCertificateArn": certificate,
        "sslSupportMethod": "sni-only",
        "minimumProtocolVersion": "TLSv1.2_2021",
    }
    assert inputs["loggingConfig"] == {"bucket": "logs.s3.amazonaws.com", "includeCookies": False, "prefix": "studio/"}
    assert inputs.get("tags", {}) == {}
    assert resolve(component.url) == "https://studio.example.com"


def test_a_domain_needs_its_certificate(site: Path) -> None:
    with pytest.raises(pulumi.RunError, match="both domain_name and certificate_arn"):
        studio(site, domain_name="studio.example.com")


def test_without_a_build_it_says_how_to_make_one(tmp_path: Path) -> None:
    with pytest.raises(pulumi.RunError, match="build the studio first: make studio"):
        studio(tmp_path / "missing")


def test_site_files_are_sorted_typed_and_leave_the_stacks_config_out(site: Path) -> None:
    (site / "config.json").write_text("{}")
    (site / ".DS_Store").write_text("")
    files = studio_site.site_files(site)
    assert [key for key, *_ in files] == sorted(FILES)
    assert all(path == site / key for key, path, *_ in files)
    assert studio_site.cache_control("/assets/x.js") == studio_site.IMMUTABLE
    assert studio_site.cache_control("/index.html") == studio_site.cache_control("config.json") == "no-cache"
    assert studio_site.content_type("font.woff2") == "font/woff2"
    assert studio_site.content_type("data.unknown") == "application/octet-stream"


def test_the_headers_config_refuses_headers_it_cannot_express() -> None:
    headers = studio_site.security_headers(
        cognito_endpoint="http://127.0.0.1:9229/", media_origin="http://127.0.0.1:5000"
    )
    assert "connect-src 'self' http://127.0.0.1:9229 http://127.0.0.1:5000" in headers["Content-Security-Policy"]
    with pytest.raises(ValueError, match="exactly"):
        studio_distribution.security_headers_config({**headers, "X-XSS-Protection": "0"})
