"""The NullCheck policy pack: `pulumi preview --policy-pack policy` runs this file.

The rules live in the `policies` package (importable without starting anything); building the `PolicyPack`
starts the analyzer server the Pulumi CLI talks to and never returns.
"""

from policies import POLICIES
from pulumi_policy import EnforcementLevel, PolicyPack

PolicyPack(
    name="nullcheck",
    description="NullCheck's rules for its AWS stacks: Lambda, events, IAM, S3, API Gateway, CloudFront, tags, data"
    " protection.",
    policies=POLICIES,
    enforcement_level=EnforcementLevel.MANDATORY,
)
