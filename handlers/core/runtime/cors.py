"""CORS headers of the API, shared by the handlers, API Gateway's own answers and the local stack."""

from handlers.catalog import api_functions

ALLOW_HEADERS = "Content-Type,Authorization,X-Amz-Date,X-Api-Key,X-Amz-Security-Token,x-amz-meta-filename"
ALLOW_METHODS = ",".join([*sorted({route.method for _, route in api_functions()}), "OPTIONS"])
"""Every method a catalog route uses (a browser preflights DELETE and PATCH), and the preflight's own."""


EXPOSE_HEADERS = "Retry-After"
"""Headers a browser script may read besides the safelisted ones: when to ask again after a 429."""


def cors_headers(origin: str) -> dict[str, str]:
    """Headers on every answer, errors and preflights included."""
    return {
        "Access-Control-Allow-Origin": origin,
        "Access-Control-Allow-Headers": ALLOW_HEADERS,
        "Access-Control-Allow-Methods": ALLOW_METHODS,
        "Access-Control-Expose-Headers": EXPOSE_HEADERS,
    }
