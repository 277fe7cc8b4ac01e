"""Media bucket, MediaConvert role and event subscriptions, seed row by row."""

from __future__ import annotations

import json

from components.event_subscription import EventSubscription, EventSubscriptionArgs
from components.media_bucket import CorsRule, MediaBucket, MediaBucketArgs
from components.mediaconvert_role import MediaConvertRole, MediaConvertRoleArgs
from handlers.catalog import EventRule, function_for_module
from tests.pulumi_mocks import deploy_function, registration, resolve

BUCKET_ARN = "arn:aws:s3:::nullcheck-media"


def test_bucket_follows_the_seed_and_is_private(mocks, build) -> None:
    build(lambda: MediaBucket("media"))

    one = lambda typ: mocks.one(typ).inputs  # noqa: E731
    assert one("aws:s3/bucketVersioning:BucketVersioning")["versioningConfiguration"]["status"] == "Enabled"
    rules = {
        r["filter"]["prefix"]: r
        for r in one("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration")["rules"]
    }
    assert set(rules) == {"media/", "renders/", "previews/"}  # uploads and chunks, rendered clips, preview playlists
    assert rules["media/"]["expiration"]["days"] == 7 and rules["renders/"]["expiration"]["days"] == 30
    assert rules["previews/"]["expiration"]["days"] == 1  # the playlists' URLs work for an hour
    for rule in rules.values():
        assert rule["status"] == "Enabled"
        assert rule["noncurrentVersionExpiration"]["noncurrentDays"] == 1
        assert rule["abortIncompleteMultipartUpload"]["daysAfterInitiation"] == 1
    [cors] = one("aws:s3/bucketCorsConfiguration:BucketCorsConfiguration")["corsRules"]
    # PUT: track parts; POST: a transcript's form (its policy limits the size).
    assert {"PUT", "POST"} <= set(cors["allowedMethods"]) and cors["exposeHeaders"] == ["ETag"]
    assert one("aws:s3/bucketNotification:BucketNotification")["eventbridge"] is True
    block = one("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock")
    assert all(block[k] for k in ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"))
    assert one("aws:s3/bucketOwnershipControls:BucketOwnershipControls")["rule"]["objectOwnership"] == (
        "BucketOwnerEnforced"
    )
    [sse] = one("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration")["rules"]
    assert sse["applyServerSideEncryptionByDefault"]["sseAlgorithm"] == "AES256"
    [deny] = json.loads(one("aws:s3/bucketPolicy:BucketPolicy")["policy"])["Statement"]
    assert deny["Effect"] == "Deny" and deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}


def test_bucket_non_default_args(mocks, build) -> None:
    build(
        lambda: MediaBucket(
            "archive",
            MediaBucketArgs(
                expiration_days=30,
                render_retention_days=90,
                cors_rules=[CorsRule(allowed_origins=["https://studio.example.com"])],
            ),
        )
    )

    rules = mocks.one("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration").inputs["rules"]
    assert {r["filter"]["prefix"]: r["expiration"]["days"] for r in rules} == {
        "media/": 30,
        "renders/": 90,
        "previews/": 1,
    }
    [cors] = mocks.one("aws:s3/bucketCorsConfiguration:BucketCorsConfiguration").inputs["corsRules"]
    assert cors["allowedOrigins"] == ["https://studio.example.com"]
    assert "POST" in cors["allowedMethods"]  # the studio's origin may post transcripts
    assert all(r.name.startswith("archive-") for r in mocks.resources if r.typ.startswith("aws:"))


def test_mediaconvert_role_is_trusted_by_mediaconvert_and_scoped_to_the_bucket(mocks, build) -> None:
    role = build(lambda: MediaConvertRole("mediaconvert", MediaConvertRoleArgs(bucket_arn=BUCKET_ARN)))

    trust = json.loads(mocks.one("aws:iam/role:Role").inputs["assumeRolePolicy"])
    assert [s["Principal"] for s in trust["Statement"]] == [{"Service": "mediaconvert.amazonaws.com"}]
    [statement] = json.loads(mocks.one("aws:iam/rolePolicy:RolePolicy").inputs["policy"])["Statement"]
    assert statement["Action"] == ["s3:GetObject", "s3:GetObjectVersion", "s3:PutObject"]
    assert statement["Resource"] == [f"{BUCKET_ARN}/*"]
    assert resolve(role.arn).startswith("arn:aws:iam::123456789012:role/mediaconvert-role")


def test_only_the_deploying_accounts_mediaconvert_jobs_may_assume_the_role(mocks, build) -> None:
    """The confused-deputy guard: another account's MediaConvert cannot pass this role to its jobs."""
    build(lambda: MediaConvertRole("mediaconvert", MediaConvertRoleArgs(bucket_arn=BUCKET_ARN)))
    [statement] = json.loads(mocks.one("aws:iam/role:Role").inputs["assumeRolePolicy"])["Statement"]
    assert statement["Condition"] == {"StringEquals": {"aws:SourceAccount": "123456789012"}}


def test_the_trusted_account_can_be_named(mocks, build) -> None:
    build(
        lambda: MediaConvertRole(
            "mediaconvert", MediaConvertRoleArgs(bucket_arn=BUCKET_ARN, source_account="210987654321")
        )
    )
    [statement] = json.loads(mocks.one("aws:iam/role:Role").inputs["assumeRolePolicy"])["Statement"]
    assert statement["Condition"] == {"StringEquals": {"aws:SourceAccount": "210987654321"}}


def subscribe(module: str, **overrides):
    spec = function_for_module(module)
    function = deploy_function(spec)
    assert isinstance(spec.trigger, EventRule)
    return EventSubscription(
        spec.name,
        EventSubscriptionArgs(function=function, rule=spec.trigger, bucket_name="nullcheck-media", **overrides),
    )


def test_subscription_retries_explicitly_and_dead_letters_both_kinds_of_failure(mocks, build) -> None:
    build(lambda: subscribe("handlers.events.start_preprocessing"))

    rule = mocks.one("aws:cloudwatch/eventRule:EventRule").inputs
    assert json.loads(rule["eventPattern"]) == {"source": ["nullcheck"], "detail-type": ["Video Upload Completed"]}
    target = mocks.one("aws:cloudwatch/eventTarget:EventTarget").inputs
    assert target["retryPolicy"] == {"maximumRetryAttempts": 8, "maximumEventAgeInSeconds": 3600}
    queue_arn = target["deadLetterConfig"]["arn"]
    assert queue_arn.startswith("arn:aws:sqs:")
    invoke_config = mocks.one("aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig").inputs
    assert invoke_config["maximumRetryAttempts"] == 2 and invoke_config["maximumEventAgeInSeconds"] == 3600
    assert invoke_config["destinationConfig"]["onFailure"]["destination"] == queue_arn
    permission = mocks.one("aws:lambda/permission:Permission").inputs
    assert permission["principal"] == "events.amazonaws.com"
    assert (
        permission["sourceArn"].startswith("arn:aws:events:")
        and "/start-preprocessing-rule" in (permission["sourceArn"])
    )
    queue_policy = json.loads(mocks.one("aws:sqs/queuePolicy:QueuePolicy").inputs["policy"])
    assert queue_policy["Statement"][0]["Condition"]["ArnEquals"]["aws:SourceArn"] == permission["sourceArn"]
    assert mocks.one("aws:sqs/queue:Queue").inputs["sqsManagedSseEnabled"] is True


def test_bucket_scoped_rules_name_this_stacks_bucket(mocks, build) -> None:
    build(lambda: subscribe("handlers.events.transcript_added", invoke_retry_attempts=0))

    pattern = json.loads(mocks.one("aws:cloudwatch/eventRule:EventRule").inputs["eventPattern"])
    assert pattern["detail"] == {
        "bucket": {"name": ["nullcheck-media"]},
        "object": {"key": [{"wildcard": "media/*/transcripts/*.srt"}]},
    }
    assert pattern["source"] == ["aws.s3"] and pattern["detail-type"] == ["Object Created"]
    invoke_config = mocks.one("aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig").inputs
    assert invoke_config["maximumRetryAttempts"] == 0


def test_a_protected_bucket_is_kept_by_pulumi_and_by_aws_and_only_the_bucket(mocks, build) -> None:
    build(lambda: (MediaBucket("seed"), MediaBucket("kept", MediaBucketArgs(force_destroy=False, protect=True))))

    seed, kept = (registration(mocks.named(name)) for name in ("seed-bucket", "kept-bucket"))
    assert (seed.protect, seed.retain_on_delete) == (False, False)
    assert (kept.protect, kept.retain_on_delete) == (True, True)
    assert mocks.named("kept-bucket").inputs["forceDestroy"] is False
    settings = [r for r in mocks.resources if r.name.startswith("kept-") and r.name != "kept-bucket"]
    assert settings and not any(registration(r).protect for r in settings)
