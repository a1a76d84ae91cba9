"""The error model: malformed requests of each kind get a structured rejection, never a 500 or a trace."""

from __future__ import annotations

import pytest


@pytest.fixture
def officer(api):
    return api.headers_for("officer", country="DE", office="DE004700")


def _is_rejection(r, status: int) -> list[dict]:
    assert r.status_code == status, r.text
    body = r.json()
    assert set(body) == {"type", "status", "message", "errors"}
    assert body["errors"] and all(set(e) == {"code", "pointer", "reason"} for e in body["errors"])
    assert "Traceback" not in r.text and 'File "' not in r.text
    return body["errors"]


def test_malformed_json(api, officer):
    errors = _is_rejection(api.post("/eos/operators", content=b'{"name": ', headers={**officer, "content-type": "application/json"}), 422)
    assert errors[0]["code"] == "SYNTAX"


def test_wrong_types_and_missing_fields_are_all_listed(api, officer):
    errors = _is_rejection(api.post("/eos/operators", json={"name": 5, "address": "here", "established_in_union": "maybe"}, headers=officer), 422)
    pointers = {e["pointer"] for e in errors}
    assert {"/name", "/address", "/established_in_union"} <= pointers


def test_a_body_that_is_not_an_object(api, officer):
    _is_rejection(api.post("/eos/operators", json=[1, 2, 3], headers=officer), 422)


def test_a_malformed_identifier_in_the_path(api, officer):
    errors = _is_rejection(api.get("/eos/operators/XX!!", headers=officer), 422)
    assert errors[0]["pointer"] == "EORI"
    _is_rejection(api.get("/dds/eori/12"), 422)


def test_query_parameters_out_of_range(api, officer):
    errors = _is_rejection(api.get("/eos/operators?limit=0&offset=-1", headers=officer), 422)
    assert {e["pointer"] for e in errors} == {"query:limit", "query:offset"}


def test_no_token_wrong_token_and_wrong_role(api):
    _is_rejection(api.get("/eos/operators"), 401)
    _is_rejection(api.get("/eos/operators", headers={"Authorization": "Bearer euc_0123456789abcdef_" + "a" * 43}), 401)
    _is_rejection(api.get("/eos/operators", headers={"Authorization": "Basic abc"}), 401)
    trader = api.headers_for("trader", eori="DE1234567")
    _is_rejection(api.get("/eos/operators", headers=trader), 403)


def test_unknown_route_and_method(api):
    _is_rejection(api.get("/no/such/thing"), 404)
    _is_rejection(api.delete("/health"), 405)


def test_an_oversized_body_is_refused_before_reading(api, officer):
    _is_rejection(api.post("/eos/operators", content=b"{" + b" " * (11 * 1024 * 1024) + b"}", headers={**officer, "content-type": "application/json"}), 413)


def test_the_openapi_document_lists_the_systems(api):
    doc = api.get("/openapi.json").json()
    assert "/eos/operators" in doc["paths"] and "/dds/eori/{eori}" in doc["paths"]


def test_an_oversized_chunked_body_is_refused_while_reading(api, officer):
    def chunks():
        for _ in range(12):
            yield b" " * (1024 * 1024)

    r = api.post("/eos/operators", content=chunks(), headers={**officer, "content-type": "application/json"})
    _is_rejection(r, 413)
