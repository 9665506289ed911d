"""The /api/v1 skeleton: JSON errors, session auth, CSRF header, the OpenAPI document."""

from openapi_spec_validator import validate

from tests.conftest import csrf_from


def test_openapi_document_is_valid_and_lists_every_api_route(app, client):
    document = client.get("/api/v1/openapi.json").get_json()
    validate(document)
    routes = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1/"):
            path = rule.rule.removeprefix("/api/v1")
            for name in rule.arguments:
                path = path.replace(f"<int:{name}>", f"{{{name}}}").replace(f"<{name}>", f"{{{name}}}")
            for method in rule.methods - {"HEAD", "OPTIONS"}:
                routes.add((path, method.lower()))
    documented = {(path, method) for path, item in document["paths"].items()
                  for method in item if method in ("get", "post", "put", "delete", "patch")}
    assert routes == documented


def test_anonymous_call_answers_401_json_not_a_redirect(client):
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert response.get_json() == {"error": "unauthorized", "detail": "Log in first."}


def test_logged_in_call_uses_the_session(client, learner, login):
    login(learner)
    assert client.get("/api/v1/me").get_json()["email"] == learner.email


def test_unknown_api_path_is_json_404(client):
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.get_json()["error"] == "not_found"


def test_state_changing_api_call_needs_the_csrf_header(app, client, learner, login):
    @app.post("/api/v1/_echo")
    def echo():
        return {"ok": True}

    login(learner)
    assert client.post("/api/v1/_echo", json={}).status_code == 400
    assert client.post("/api/v1/_echo", json={}).get_json()["error"] == "csrf"
    token = csrf_from(client)
    assert client.post("/api/v1/_echo", json={}, headers={"X-CSRFToken": token}).status_code == 200
