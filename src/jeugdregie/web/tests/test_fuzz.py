"""Fuzz the JSON API against its own OpenAPI schema (schemathesis): no input gives a server error."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("role", ["gemeente", "beheer"])
def test_api_fuzz_without_server_errors(app_env: Any, web_db: Any, role: str) -> None:
    schemathesis = pytest.importorskip("schemathesis")
    from hypothesis import HealthCheck, given, settings

    from jeugdregie.store import connect
    from jeugdregie.web.accounts import new_token

    app, users = app_env
    db = connect(str(web_db))
    token = new_token(db, users[role])
    db.close()
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    headers = {"Authorization": f"Bearer {token}"}
    operations = [r.ok() for r in schema.get_all_operations()]
    assert len(operations) >= 15
    failures: list[str] = []
    for op in operations:
        @settings(max_examples=6, deadline=None, database=None, derandomize=True,
                  suppress_health_check=list(HealthCheck))
        @given(case=op.as_strategy())
        def check(case: Any) -> None:
            response = case.call(headers=headers)
            if response.status_code >= 500:
                failures.append(f"{case.method} {case.formatted_path} {case.query}: {response.status_code}")
            elif response.status_code != 200:
                body = response.json()
                assert set(body) == {"error", "status"}, body

        check()
    assert not failures, failures[:10]
