"""API Gateway's additions to the generated OpenAPI document (pure functions, no resources).

Integrations (Lambda proxy), the Cognito user pools authorizer, the "Validate All" request
validator, CORS preflight methods and gateway responses that carry CORS headers on errors API
Gateway answers itself (no or bad token, validation, throttling, 5xx), so a browser can read
those too.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from handlers import openapi
from handlers.core.runtime.cors import cors_headers

VALIDATOR = "all"


def api_gateway_document(
    origin: str, invoke_arns: Mapping[str, str], user_pool_arn: str, title: str = "NullCheck API"
) -> dict[str, Any]:
    """The document API Gateway imports: `invoke_arns` maps catalog function names to invoke ARNs.

    Every operation is behind the Cognito user pools authorizer of `user_pool_arn` (the generated
    document's security scheme); only the CORS preflight is open.
    """
    document = copy.deepcopy(openapi.document(title=title))
    document["components"]["securitySchemes"][openapi.SECURITY_SCHEME].update(
        {
            "x-amazon-apigateway-authtype": "cognito_user_pools",
            "x-amazon-apigateway-authorizer": {
                "type": "cognito_user_pools",
                "providerARNs": [user_pool_arn],
                "identitySource": "method.request.header.Authorization",
            },
        }
    )
    for methods in document["paths"].values():
        for operation in methods.values():
            operation["x-amazon-apigateway-integration"] = {
                "type": "aws_proxy",
                "httpMethod": "POST",
                "uri": invoke_arns[operation["operationId"]],
                "passthroughBehavior": "when_no_match",
            }
            operation["x-amazon-apigateway-request-validator"] = VALIDATOR
        methods["options"] = preflight(origin)
    document["x-amazon-apigateway-request-validators"] = {
        VALIDATOR: {"validateRequestBody": True, "validateRequestParameters": True}
    }
    document["x-amazon-apigateway-gateway-responses"] = gateway_responses(origin)
    return document


def _quoted(values: Mapping[str, str]) -> dict[str, str]:
    """API Gateway takes static header values as single-quoted literals."""
    return {name: f"'{value}'" for name, value in values.items()}


def preflight(origin: str) -> dict[str, Any]:
    """OPTIONS answered by API Gateway itself (mock integration): no Lambda cold start."""
    headers = cors_headers(origin)
    return {
        "summary": "CORS preflight",
        "responses": {
            "200": {
                "description": "CORS preflight",
                "headers": {name: {"schema": {"type": "string"}} for name in headers},
            }
        },
        "x-amazon-apigateway-integration": {
            "type": "mock",
            "requestTemplates": {"application/json": '{"statusCode": 200}'},
            "passthroughBehavior": "when_no_match",
            "responses": {
                "default": {
                    "statusCode": "200",
                    "responseParameters": {
                        f"method.response.header.{name}": value for name, value in _quoted(headers).items()
                    },
                }
            },
        },
    }


def gateway_responses(origin: str) -> dict[str, Any]:
    """CORS on API Gateway's own errors; a failed validation names what was wrong, as JSON."""
    parameters = {f"gatewayresponse.header.{name}": value for name, value in _quoted(cors_headers(origin)).items()}
    message = {"application/json": '{"message":$context.error.messageString}'}
    return {
        "DEFAULT_4XX": {"responseParameters": parameters, "responseTemplates": message},
        # No token or a bad one (401), and a token the authorizer refuses (403): readable in browsers.
        "UNAUTHORIZED": {"statusCode": 401, "responseParameters": parameters, "responseTemplates": message},
        "ACCESS_DENIED": {"statusCode": 403, "responseParameters": parameters, "responseTemplates": message},
        "DEFAULT_5XX": {"responseParameters": parameters, "responseTemplates": message},
        "BAD_REQUEST_BODY": {
            "statusCode": 400,
            "responseParameters": parameters,
            "responseTemplates": {
                "application/json": (
                    '{"message":"invalid request body: $util.escapeJavaScript($context.error.validationErrorString)"}'
                )
            },
        },
    }
