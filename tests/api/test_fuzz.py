"""A schema-driven fuzz run: requests generated from the whole OpenAPI document (schemathesis), sent
to the app in-process, on SQLite and on PostgreSQL. No answer may be a 5xx, and none may contradict
the document (an undeclared status, media type, header or body).

Derandomised (the same cases every run) and short: :data:`EXAMPLES` cases per operation (about 300
in all per database). Scoped operations get the demo alliance's id half the time, so that the
generated options meet real data.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import hypothesis.strategies as st
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import Failure, FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

#: Generated cases per operation (about 27 operations).
EXAMPLES = 11
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_headers_conformance,
          response_schema_conformance]


def test_fuzz_the_whole_document(keys: Any, make_app: Callable[..., Any]) -> None:
    # Cheap settings: few null samples, so that no generated comparison takes long.
    app = make_app(rate_limits=False, compare_null_samples={"admin": 3})
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    found: list[str] = []
    for result in schema.get_all_operations():
        operation = result.ok()
        scoped = "{alliance_id}" in operation.path
        alliance = st.sampled_from([{"alliance_id": keys.own}, {}]) if scoped else st.just({})
        _run(operation, alliance, {"Authorization": f"Bearer {keys.admin}"}, found)
    assert found == [], "\n".join(sorted(set(found)))


def _run(operation: Any, alliance: st.SearchStrategy[dict[str, Any]], headers: dict[str, str],
         found: list[str]) -> None:
    @settings(max_examples=EXAMPLES, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    @given(data=st.data())
    def check(data: st.DataObject) -> None:
        case = data.draw(operation.as_strategy(headers=headers, path_parameters=data.draw(alliance)))
        try:
            response = case.call()
        except Exception as error:  # the app raised: what a server answers with 500
            found.append(f"{operation.method.upper()} {operation.path} -> raised {error!r}: "
                         f"{case.as_curl_command()}")
            return
        try:
            case.validate_response(response, checks=CHECKS)
        except (Failure, FailureGroup) as failure:
            failures = failure.exceptions if isinstance(failure, FailureGroup) else [failure]
            for one in failures:
                found.append(f"{operation.method.upper()} {operation.path} -> {response.status_code} "
                             f"{one.title}: {case.as_curl_command()} {response.content[:200]!r}")

    check()


pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")
