"""Rules for CloudWatch log groups: every group expires its logs."""

from __future__ import annotations

from pulumi_policy import ReportViolation, ResourceValidationArgs

from .declare import rule
from .resource_types import LOG_GROUP

LOG_RETENTION_DAYS = frozenset(
    (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653)
)
"""The values CloudWatch Logs accepts for `retentionInDays` (0, the default, keeps logs forever)."""


@rule("log-group-retention", "Every log group has a retention (CloudWatch keeps logs forever by default).")
def log_group_retention(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if args.resource_type == LOG_GROUP:
        days = args.props.get("retentionInDays")
        if days not in LOG_RETENTION_DAYS:
            report(f"retentionInDays is {days or 'unset (never expire)'}", None)
