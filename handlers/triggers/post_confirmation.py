"""Cognito post confirmation → a self-signed-up user gets a tenant of their own.

Cognito waits for the answer and expects the event back; an error here fails the confirmation,
so the user can confirm again (the assignment is idempotent: a user with a tenant keeps it).
"""

from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext

from handlers.core.rules import signup
from handlers.core.runtime import clients, startup

logger = Logger()
cognito = clients.client("cognito-idp")


@logger.inject_lambda_context
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    tenant = signup.tenant_for_new_user(event)
    if tenant is None:
        logger.info("no tenant to assign", extra={"trigger_source": event.get("triggerSource")})
        return event
    signup.assign_tenant(cognito, event, tenant)
    logger.info("tenant assigned to a new user", extra={"tenant": tenant})
    return event


startup.initialised()
