"""Regressions for what API fuzzing (tests/api/test_schemathesis.py) found: each answered 5xx or an undocumented
status. Run on SQLite and, with TEST_DATABASE_URL, on PostgreSQL (the NUL cases failed only there)."""

import pytest

from learnpm.api.views import openapi_document
from tests.conftest import csrf_from, log_in

TOO_LARGE = {"error": "request_entity_too_large", "detail": "What was sent is too large."}
NO_ATTEMPT = {"error": "not_found", "detail": "No such attempt."}


@pytest.fixture
def api(client, quiz_imported, learner, login):
    login(learner)
    token = csrf_from(client)

    class Api:
        def call(self, method, path, body=None, **kwargs):
            return client.open("/api/v1" + path, method=method, json=body, headers={"X-CSRFToken": token}, **kwargs)

        def start(self, **body):
            response = self.call("POST", "/attempts", body)
            assert response.status_code == 201, response.get_json()
            return response.get_json()

    return Api()


@pytest.mark.parametrize("attempt_id", [2**31, 2**63, 10**30])
def test_an_attempt_id_beyond_the_databases_integers_is_404_not_500(api, attempt_id):
    # Found: POST /attempts/{id}/submit with a huge id answered 500 (SQLite OverflowError; PostgreSQL DataError).
    for method, path, body in (("GET", f"/attempts/{attempt_id}", None),
                               ("PUT", f"/attempts/{attempt_id}/answers/a-1", {"answer": None}),
                               ("POST", f"/attempts/{attempt_id}/break", None),
                               ("POST", f"/attempts/{attempt_id}/submit", None)):
        response = api.call(method, path, body)
        assert (response.status_code, response.get_json()["error"]) == (404, "not_found"), (method, path)


def test_the_largest_32_bit_id_is_still_looked_up(api):
    response = api.call("GET", f"/attempts/{2**31 - 1}")
    assert (response.status_code, response.get_json()) == (404, NO_ATTEMPT)


def test_a_body_over_the_size_limit_is_a_documented_413(api, app, instructor):
    # Found: POST /preview with a body over MAX_CONTENT_LENGTH answered 413, which the document did not list.
    big = "x" * (app.config["MAX_CONTENT_LENGTH"] + 1)
    attempt = api.start(mode="practice", domain="alpha", count=2)
    for method, path, body in (("POST", "/heartbeat", {"lesson": "mini-course/intro", "tab": big}),
                               ("POST", "/attempts", {"mode": "practice", "domain": big}),
                               ("PUT", f"/attempts/{attempt['id']}/answers/a-1", {"answer": big})):
        response = api.call(method, path, body)
        assert (response.status_code, response.get_json()) == (413, TOO_LARGE), path
    teacher = app.test_client()
    log_in(teacher, instructor.email)
    response = teacher.post("/api/v1/preview", json={"markdown": big}, headers={"X-CSRFToken": csrf_from(teacher)})
    assert (response.status_code, response.get_json()) == (413, TOO_LARGE)
    for path, item in openapi_document()["paths"].items():
        for method, operation in item.items():
            if isinstance(operation, dict) and "requestBody" in operation:
                assert operation["responses"]["413"] == {"$ref": "#/components/responses/TooLarge"}, (method, path)


def test_a_nul_character_in_a_name_is_refused_by_the_input_guard_not_a_500(api):
    # Found on PostgreSQL, which refuses NUL in text parameters: each of these answered 500 (then 404).
    attempt = api.start(mode="practice", domain="alpha", count=2)
    cases = [
        ("POST", "/heartbeat", {"lesson": "mini-course/in\x00tro", "visible": True, "active": True},
         "No published lesson 'mini-course/in\\x00tro'."),
        ("POST", "/attempts", {"mode": "check", "lesson": "mini-course/\x00"},
         "No published lesson 'mini-course/\\x00'."),
        ("POST", "/attempts", {"mode": "practice", "domain": "alpha", "course": "mini\x00course"},
         "No course 'mini\\x00course'."),
        ("PUT", f"/attempts/{attempt['id']}/answers/a%00b", {"answer": None},
         "Question 'a\\x00b' is not in this attempt."),
    ]
    for method, path, body, detail in cases:
        response = api.call(method, path, body)
        assert (response.status_code, response.get_json()["error"]) == (400, "bad_input"), path
        assert "NUL" in response.get_json()["detail"] and detail


def test_a_body_nested_too_deep_to_parse_is_400_not_500(api):
    # Found: a JSON body nested ~100,000 levels deep raised RecursionError in the parser (500).
    deep = "[" * 100_000 + "]" * 100_000
    attempt = api.start(mode="practice", domain="alpha", count=2)
    for method, path in (("POST", "/heartbeat"), ("POST", "/attempts"),
                         ("PUT", f"/attempts/{attempt['id']}/answers/a-1")):
        response = api.call(method, path, data=deep, content_type="application/json")
        assert (response.status_code, response.get_json()) == (
            400, {"error": "malformed", "detail": "The body must be a JSON object."}), path
