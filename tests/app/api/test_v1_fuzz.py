"""schemathesis over the OpenAPI of /api/v1/: generated requests (valid and invalid) never get a 500, and every
answer has a documented status, content type and schema. Bounded: a few dozen examples per operation."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)


@pytest.fixture
def token(world, settings):
    from jiuzhu.app.api import tokens

    settings.JIUZHU_API_CALLS_PER_MINUTE = 1_000_000
    return tokens.create("civil_affairs", "模糊测试")[1]


@pytest.fixture
def wsgi_keeps_the_test_connection():
    """As Django's test client does: a request must not close the test's database connection (PostgreSQL)."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.mark.django_db
def test_no_server_error_and_answers_match_the_schema(token, wsgi_keeps_the_test_connection) -> None:
    from jiuzhu.app.wsgi import application

    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 9
    headers = {"Authorization": f"Bearer {token}"}
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @given(case=operation.as_strategy(generation_mode=mode))
            @settings(max_examples=15, deadline=None, derandomize=True, database=None,
                      suppress_health_check=list(HealthCheck))
            def call(case) -> None:
                case.call_and_validate(headers=headers, checks=CHECKS)

            call()
