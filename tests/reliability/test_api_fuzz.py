"""Schemathesis over the app's own OpenAPI schema against a real server on 127.0.0.1.

Every documented operation gets up to 30 generated requests, valid and invalid (bodies,
paths, query strings). With an index present no response may be a 5xx; without an index
the only 5xx allowed is 503 (IndexNotBuilt, with its Danish message) — never a 500.

The operations are read at collection time from ``create_app(...).openapi()`` (one pytest
case per operation, so a failure names it) and the requests go to a ``ThreadedServer``
that ran the app's lifespan, as in production. The rate limit is lifted so that bursts of
generated requests reach the routes. (schemathesis' lazy ``from_fixture`` loader does not
work with the installed pytest: it sets ``Function._nodeid``.)
"""

from __future__ import annotations

from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig

from api.app import create_app
from tests.reliability.conftest import isolated_settings

EXAMPLES = settings(max_examples=30, deadline=None, derandomize=True, database=None,
                    suppress_health_check=list(HealthCheck))
ALL_BUT_5XX = ["1XX", "2XX", "3XX", "4XX"]


def _schema(allowed: list[str]) -> schemathesis.BaseSchema:
    app = create_app(isolated_settings(Path("collection-only-never-written")))
    config = SchemathesisConfig.from_dict({"checks": {"not_a_server_error": {"expected-statuses": allowed}}})
    return schemathesis.openapi.from_dict(app.openapi(), config=config)


INDEXED, EMPTY = _schema(ALL_BUT_5XX), _schema([*ALL_BUT_5XX, "503"])
LABELS = [op.ok().label for op in INDEXED.get_all_operations()]


def _operation(schema: schemathesis.BaseSchema, label: str):
    return next(op.ok() for op in schema.get_all_operations() if op.ok().label == label)


def _fuzz(schema: schemathesis.BaseSchema, label: str, base_url: str) -> list[int]:
    op = _operation(schema, label)
    statuses: list[int] = []
    strategy = st.one_of(op.as_strategy(GenerationMode.POSITIVE), op.as_strategy(GenerationMode.NEGATIVE))

    @EXAMPLES
    @given(case=strategy)
    def run(case) -> None:
        response = case.call(base_url=base_url, timeout=30)
        statuses.append(response.status_code)
        case.validate_response(response, checks=[not_a_server_error])
        if response.status_code == 503:
            assert response.json()["error"] in {"IndexNotBuilt", "BackendUnavailable"}, response.text

    run()
    return statuses


@pytest.mark.slow
@pytest.mark.parametrize("label", LABELS)
def test_no_server_error_with_an_index(label, built, live_server_factory):
    server = live_server_factory(create_app(built))
    statuses = _fuzz(INDEXED, label, server.url)
    assert statuses and max(statuses) < 500


@pytest.mark.slow
@pytest.mark.parametrize("label", LABELS)
def test_only_503_without_an_index(label, tmp_path, live_server_factory):
    server = live_server_factory(create_app(isolated_settings(tmp_path)))
    statuses = _fuzz(EMPTY, label, server.url)
    assert statuses and all(s < 500 or s == 503 for s in statuses)
    if label in ("POST /api/ask", "GET /api/meetings"):
        assert 503 in statuses, "valid requests reach the index and get 503"
