"""How a rule is declared: a plain function wrapped in a resource or stack validation policy.

A resource rule sees one resource's inputs, options and provider; a stack rule sees every resource's
outputs. Rules are mandatory unless declared advisory.
"""

from __future__ import annotations

from collections.abc import Callable

from pulumi_policy import (
    EnforcementLevel,
    PolicyConfigSchema,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
)

MANDATORY = EnforcementLevel.MANDATORY
ADVISORY = EnforcementLevel.ADVISORY


def rule(
    name: str,
    description: str,
    level: EnforcementLevel = MANDATORY,
    config_schema: PolicyConfigSchema | None = None,
) -> Callable[[Callable[[ResourceValidationArgs, ReportViolation], None]], ResourceValidationPolicy]:
    """Declare a resource rule: the decorated function validates one resource."""

    def wrap(validate: Callable[[ResourceValidationArgs, ReportViolation], None]) -> ResourceValidationPolicy:
        return ResourceValidationPolicy(
            name=name,
            description=description,
            validate=validate,
            enforcement_level=level,
            config_schema=config_schema,
        )

    return wrap


def stack_rule(
    name: str, description: str, level: EnforcementLevel = MANDATORY
) -> Callable[[Callable[[StackValidationArgs, ReportViolation], None]], StackValidationPolicy]:
    """Declare a stack rule: the decorated function validates the whole stack."""

    def wrap(validate: Callable[[StackValidationArgs, ReportViolation], None]) -> StackValidationPolicy:
        return StackValidationPolicy(name=name, description=description, validate=validate, enforcement_level=level)

    return wrap
