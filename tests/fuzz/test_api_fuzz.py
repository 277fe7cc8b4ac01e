"""Property-based fuzzing of every API operation against the running local stack.

For each catalog route, schemathesis generates valid and invalid requests from the OpenAPI
document the stack serves, and every answer must be documented: no 5xx, a documented status
code, a documented content type and a body that matches the documented schema.

The schema only exists once the stack runs, but `schemathesis.pytest.from_fixture` (4.32.5)
fails under pytest 9 (it sets `Function._nodeid`, which pytest 9 no longer has), so each catalog
route is a plain parametrized test that drives `APIOperation.as_strategy` with Hypothesis.
"""

from __future__ import annotations

import zlib

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from handlers.catalog import api_functions
from tests.fuzz.conftest import SEED, FuzzStats

MAX_EXAMPLES = 100
"""Generated cases per operation (valid and invalid ones together), plus any shrinking."""
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
ROUTES = {function.name: route for function, route in api_functions()}


def test_the_served_document_has_every_catalog_route(api_schema: schemathesis.BaseSchema) -> None:
    served = {(op.method.upper(), op.path) for op in (result.ok() for result in api_schema.get_all_operations())}
    assert served == {(route.method, route.path) for route in ROUTES.values()}


@pytest.mark.parametrize("operation_id", list(ROUTES))
def test_operation_answers_as_documented(
    operation_id: str, api_schema: schemathesis.BaseSchema, fuzz_stats: FuzzStats
) -> None:
    route = ROUTES[operation_id]
    operation = api_schema[route.path][route.method]
    valid = operation.as_strategy(generation_mode=schemathesis.GenerationMode.POSITIVE)
    invalid = operation.as_strategy(generation_mode=schemathesis.GenerationMode.NEGATIVE)
    # Two valid requests for each invalid one: past the gateway's validation is where handlers work.
    cases = st.one_of(valid, valid, invalid)
    with requests.Session() as session:

        @seed(SEED ^ zlib.crc32(operation_id.encode()))
        @settings(
            max_examples=MAX_EXAMPLES,
            database=None,
            deadline=None,
            phases=[Phase.generate, Phase.shrink],
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large],
            print_blob=False,
        )
        @given(case=cases)
        def answers_as_documented(case: schemathesis.Case) -> None:
            response = case.call(session=session, timeout=30)
            fuzz_stats.record(operation_id, response.status_code)
            case.validate_response(response, checks=CHECKS)

        answers_as_documented()

    seen = fuzz_stats.statuses[operation_id]
    assert seen[route.success_status], f"no generated case reached {operation_id}'s success path: {dict(seen)}"
