"""The benchmarks' load generator counts an answer with GraphQL errors as failed: a throttled or
refused request comes back with status 200, and a run timing those would time the wrong thing."""

from __future__ import annotations

from bench.http_load import _has_errors
from bench.servers import UNLIMITED


def test_an_answer_with_errors_is_a_failed_request() -> None:
    throttled = b'{"data":null,"errors":[{"message":"Throttled","extensions":{"code":"THROTTLED"}}]}'
    assert _has_errors(throttled)
    assert _has_errors(b"<html>Bad gateway</html>")
    assert not _has_errors(b'{"data":{"leads":{"edges":[]}}}')
    # A field named errors inside the data is not an error of the request.
    assert not _has_errors(b'{"data":{"job":{"errors":[{"row":2}]}}}')


def test_benchmark_servers_get_budgets_they_cannot_spend() -> None:
    assert int(UNLIMITED["LEADBOX_RATE_LIMIT_POINTS"]) >= 10**9
    assert int(UNLIMITED["LEADBOX_RATE_LIMIT_RESTORE_RATE"]) >= 10**9
