"""NullCheck's CrossGuard rules: what every stack of this project must (or should) look like.

Plain functions wrapped in `ResourceValidationPolicy` / `StackValidationPolicy` (`declare`), one
module per concern (`lambda_functions`, `log_groups`, `eventbridge`, `iam`, `s3`, `data_protection`,
`tags`, `api_gateway`, `cloudfront`), collected here in `POLICIES`. Importing this package starts nothing
(`__main__.py` builds the `PolicyPack`, which serves the rules to the Pulumi CLI), so tests call the
rules directly. Only the standard library and `pulumi_policy` are imported: a published pack carries
its directory and nothing else. The modules import each other relatively, because the CLI loads this
package as `policies` (`policy/` on `sys.path`) and the tests as `policy.policies`.

What the rules read:
- a resource rule sees the resource's inputs (camelCase, as the provider checked them), its options
  (`protect`, not `retain_on_delete`) and its provider's inputs (default tags);
- a stack rule sees every resource's outputs, so it can follow references (a bucket's policy, a
  function's log group, a rule's dead-letter queue);
- neither sees the stack's configuration: a rule that only applies to some stacks has its own
  configuration (`--policy-pack-config policy/prod.json`).

During a preview, a value not known yet (a new resource's ARN) stops a rule with an advisory
"can't run during preview"; `pulumi up` runs every rule again with every value known.
"""

from __future__ import annotations

from pulumi_policy import Policy

from .api_gateway import (
    api_cognito_authorizer,
    api_data_tracing_off,
    api_stage_access_logs,
    api_stage_throttling,
    api_stage_xray,
)
from .cloudfront import (
    cloudfront_access_logging,
    cloudfront_https_only,
    cloudfront_minimum_tls,
    cloudfront_s3_origin_access_control,
)
from .data_protection import encryption_at_rest, stateful_data_protected
from .eventbridge import (
    event_dead_letter_queue_scoped_to_rule,
    event_function_async_failure_destination,
    event_target_retry_and_dead_letters,
)
from .iam import iam_no_public_principal, iam_no_resource_star, iam_no_wildcard_actions
from .lambda_functions import (
    lambda_arm64,
    lambda_explicit_memory_and_timeout,
    lambda_own_log_group,
    lambda_permission_source_arn,
    lambda_xray_tracing,
)
from .log_groups import log_group_retention
from .s3 import s3_acls_disabled, s3_encryption, s3_lifecycle_expiry, s3_public_access_block, s3_tls_only
from .tags import tags_on_taggable_resources

POLICIES: list[Policy] = [
    lambda_arm64,
    lambda_xray_tracing,
    lambda_explicit_memory_and_timeout,
    lambda_own_log_group,
    lambda_permission_source_arn,
    log_group_retention,
    event_target_retry_and_dead_letters,
    event_dead_letter_queue_scoped_to_rule,
    event_function_async_failure_destination,
    iam_no_wildcard_actions,
    iam_no_resource_star,
    iam_no_public_principal,
    s3_public_access_block,
    s3_acls_disabled,
    s3_encryption,
    s3_tls_only,
    s3_lifecycle_expiry,
    encryption_at_rest,
    tags_on_taggable_resources,
    api_stage_throttling,
    api_stage_access_logs,
    api_stage_xray,
    api_data_tracing_off,
    api_cognito_authorizer,
    cloudfront_https_only,
    cloudfront_minimum_tls,
    cloudfront_s3_origin_access_control,
    cloudfront_access_logging,
    stateful_data_protected,
]
"""Every rule of the pack, in the order the CLI lists them."""
