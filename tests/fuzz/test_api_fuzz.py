"""Property-based fuzzing of every API operation against the running local stack.

For each catalog route, schemathesis generates valid and invalid requests from the OpenAPI
document the stack serves, and every answer must be documented: no 5xx, a documented status
code, a documented content type and a body that matches the documented schema. Every answer
must also come within `REQUEST_SECONDS`, including the one to each operation's largest request
(`tests/fuzz/maximal.py`: every array at its `maxItems`, every string at its `maxLength`), sent
as generated and with each seeded variant, since generation alone rarely reaches the limits
where time goes quadratic (a complete with 10,000 parts once took minutes).

The schema only exists once the stack runs, but `schemathesis.pytest.from_fixture` (4.32.5)
fails under pytest 9 (it sets `Function._nodeid`, which pytest 9 no longer has), so each catalog
route is a plain parametrized test that drives `APIOperation.as_strategy` with Hypothesis.
"""

from __future__ import annotations

import time
import zlib
from typing import Any

import httpx
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
from local.stack import LocalStack
from tests.fuzz.conftest import SEED, FuzzStats, Seeds, apply_edit
from tests.fuzz.maximal import maximal_request

MAX_EXAMPLES = 100
"""Generated cases per operation (valid and invalid ones together), plus any shrinking."""
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
REQUEST_SECONDS = 5.0
"""Every answer within this (the largest requests take about a second here; a shared CI machine
may be a few times slower, a quadratic check is minutes slower)."""
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
            answer_in_time(case, session, operation_id, fuzz_stats)

        answers_as_documented()

    seen = fuzz_stats.statuses[operation_id]
    assert seen[route.success_status], f"no generated case reached {operation_id}'s success path: {dict(seen)}"


def answer_in_time(case: schemathesis.Case, session: requests.Session, operation_id: str, stats: FuzzStats) -> None:
    """Send the case: its answer must be documented and come within REQUEST_SECONDS."""
    started = time.perf_counter()
    response = case.call(session=session, timeout=REQUEST_SECONDS * 2)
    elapsed = time.perf_counter() - started
    stats.record(operation_id, response.status_code)
    case.validate_response(response, checks=CHECKS)
    assert elapsed < REQUEST_SECONDS, f"{operation_id} answered {response.status_code} in {elapsed:.1f} s"


@pytest.fixture(scope="module")
def served_document(stack: LocalStack) -> dict[str, Any]:
    return dict(httpx.get(f"{stack.api_url}/openapi.json", timeout=30).json())


@pytest.mark.parametrize("operation_id", list(ROUTES))
def test_the_largest_requests_are_answered_in_time(
    operation_id: str,
    api_schema: schemathesis.BaseSchema,
    served_document: dict[str, Any],
    seeds: Seeds,
    authorization: dict[str, str],
    fuzz_stats: FuzzStats,
) -> None:
    route = ROUTES[operation_id]
    operation = api_schema[route.path][route.method]
    largest = maximal_request(served_document, route.path, route.method)
    # As built (long made-up ids meet the 404 paths), then over each seeded episode, upload or clip.
    variants = [{}, *seeds.edits(route.method, route.path)]
    with requests.Session() as session:
        for edit in variants:
            media_type = "application/json" if "body" in largest else None
            # Built by hand, so the schema's fixed token header is added here.
            case = apply_edit(operation.Case(media_type=media_type, headers=dict(authorization), **largest), edit)
            answer_in_time(case, session, operation_id, fuzz_stats)
