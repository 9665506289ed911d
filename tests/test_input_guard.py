"""The one input guard, over every route of the URL map: hostile text answers 400, huge numbers 404, never 5xx."""

from __future__ import annotations

import json
from urllib.parse import quote

import pytest
from werkzeug.routing import AnyConverter, IntegerConverter

from learnpm.inputguard import bad_text
from tests.conftest import csrf_from

NUL = "a\x00b"
SURROGATE_JSON = '{"email": "\\ud800", "answer": "\\udfff", "lesson": "x/\\ud800", "markdown": "\\ud800"}'
FIELDS = ("email", "password", "confirm", "name", "q", "markdown", "reason", "code", "minutes", "learners",
          "course", "bank", "format", "title", "factor", "provider_name", "role", "slug", "answer")
HUGE = 2**63


def _routes(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        methods = sorted(rule.methods - {"HEAD", "OPTIONS"})
        yield rule, methods


def _url(rule, string_value: str, int_value: int) -> str:
    values = {}
    for name in rule.arguments:
        converter = rule._converters[name]
        if isinstance(converter, IntegerConverter):
            values[name] = int_value
        elif isinstance(converter, AnyConverter):
            values[name] = sorted(converter.items)[0]
        else:
            values[name] = string_value
    return rule.build(values, append_unknown=False)[1]


@pytest.fixture
def staff_clients(app, make_user, login):
    """An anonymous client and a logged-in client for every role."""
    clients = {"anonymous": app.test_client()}
    for role in ("learner", "instructor", "admin"):
        user = make_user(email=f"{role}-guard@example.com", role=role)
        client = app.test_client()
        response = client.post("/login", data={"email": user.email, "password": "a perfectly fine test passphrase",
                                               "csrf_token": csrf_from(client, "/login")})
        assert response.status_code == 302
        clients[role] = client
    return clients


def test_bad_text_finds_nul_and_lone_surrogates_in_keys_and_nested_values():
    assert bad_text("a\x00") and bad_text("\ud800") and bad_text({"x": ["ok", {"\udfff": 1}]})
    assert not bad_text({"name": "Zoë 李 محمد 🙂", "n": [1, 2.5, None, True]})


def test_every_route_refuses_nul_and_surrogates_with_400_and_huge_numbers_with_404(app, staff_clients):
    seen = 0
    failures = []
    for rule, methods in _routes(app):
        has_text_arg = any(not isinstance(rule._converters[n], IntegerConverter | AnyConverter)
                           for n in rule.arguments)
        has_int_arg = any(isinstance(rule._converters[n], IntegerConverter) for n in rule.arguments)
        plain = _url(rule, "x", 1)
        for role, client in staff_clients.items():
            for method in methods:
                cases = [("query", plain + "?q=" + quote(NUL) + "&page=1", {}, 400)]
                if has_text_arg:
                    cases.append(("path", _url(rule, NUL, 1), {}, 400))
                if has_int_arg:
                    cases.append(("huge id", _url(rule, "x", HUGE), {}, 404))
                if method == "GET":
                    cases.append(("huge page", plain + "?page=" + "9" * 30, {}, 404))
                else:
                    cases.append(("form", plain, {"data": {f: NUL for f in FIELDS}}, 400))
                    cases.append(("json", plain, {"data": SURROGATE_JSON, "content_type": "application/json"}, 400))
                    cases.append(("json nul", plain, {"data": json.dumps({f: NUL for f in FIELDS}),
                                                      "content_type": "application/json"}, 400))
                for label, url, kwargs, expected in cases:
                    response = client.open(url, method=method, **kwargs)
                    seen += 1
                    if response.status_code != expected:
                        failures.append(f"{role} {method} {url} ({label}): {response.status_code}, "
                                        f"expected {expected}")
                    if url.startswith("/api/") and response.status_code >= 400:
                        body = response.get_json(silent=True)
                        if not (isinstance(body, dict) and "error" in body):
                            failures.append(f"{role} {method} {url} ({label}): not a JSON error")
    assert seen > 300
    assert not failures, "\n".join(failures)


def test_every_get_route_answers_below_500_to_every_role(app, staff_clients, imported):
    failures = []
    for rule, methods in _routes(app):
        if "GET" not in methods:
            continue
        for value in ("x", "nothing-here"):
            for role, client in staff_clients.items():
                url = _url(rule, value, 987654)
                response = client.get(url + "?page=2&q=ab")
                if response.status_code >= 500:
                    failures.append(f"{role} GET {url}: {response.status_code}")
    assert not failures, "\n".join(failures)


def test_a_lone_surrogate_fill_in_answer_is_refused_and_the_attempt_stays_readable(app, staff_clients):
    client = staff_clients["learner"]
    token = csrf_from(client, "/")
    response = client.put("/api/v1/attempts/1/answers/q1", data='{"answer": "\\ud800"}',
                          content_type="application/json", headers={"X-CSRFToken": token})
    assert response.status_code == 400
    assert response.get_json()["error"] == "bad_input"
