"""The transit API: XML in, the replies out; rejections in the error model with their rejection message; the
officers' endpoints; who sees what; and the command line (``transit send``, ``show``, ``log``)."""

from __future__ import annotations

import json

import pytest
from transit_support import (
    CONSIGNEE, DEPARTURE, DESTINATION, HOLDER, OTHER, arrival, declaration, issue_guarantee, open_context, prepare,
    unloading_remarks,
)

from eucustoms.systems.transit.xml import parse

XML = {"Content-Type": "application/xml"}


@pytest.fixture
def tapi(sqlite_box):
    from fastapi.testclient import TestClient

    from eucustoms.app import create_app
    from eucustoms.platform.auth import issue_token
    from eucustoms.systems.transit.routes import router

    prepare(sqlite_box)
    ctx = open_context(sqlite_box)
    app = create_app(ctx, deliver_messages=False)
    if not any(getattr(r, "path", "").startswith("/transit") for r in app.routes):
        app.include_router(router)
    client = TestClient(app, raise_server_exceptions=False)

    def headers(role: str, **binding) -> dict[str, str]:
        with sqlite_box.begin() as conn:
            token, _ = issue_token(conn, role=role, name=binding.pop("name", f"test {role}"), **binding)
        return {"Authorization": f"Bearer {token}"}

    client.headers_for = headers  # type: ignore[attr-defined]
    client.ctx = ctx  # type: ignore[attr-defined]
    with client:
        yield client
    ctx.bus.stop()


def test_a_movement_through_the_api(tapi):
    holder = tapi.headers_for("trader", eori=HOLDER)
    consignee = tapi.headers_for("trader", eori=CONSIGNEE)
    de = tapi.headers_for("officer", country="DE", office=DEPARTURE)
    nl = tapi.headers_for("officer", country="NL", office=DESTINATION)
    grn = issue_guarantee(tapi.ctx.db)

    r = tapi.post("/transit/messages", content=declaration(grn, description="BMK glycidate"), headers={**holder, **XML})
    assert r.status_code == 200, r.text
    body = r.json()
    mrn = body["mrn"]
    assert body["state"] == "under_control" and [x["message_type"] for x in body["replies"]] == ["CC928C", "CC028C", "CC060C"]
    assert tapi.get("/transit/movements", headers=holder).json()["total"] == 1
    assert tapi.post(f"/transit/movements/{mrn}/release", headers=holder).status_code == 403  # officers only
    r = tapi.post(f"/transit/movements/{mrn}/control-result", json={"result": "no_irregularity"}, headers=de)
    assert r.status_code == 200 and r.json()["state"] == "controlled"
    assert tapi.post(f"/transit/movements/{mrn}/release", headers=nl).status_code == 404  # not NL's movement
    r = tapi.post(f"/transit/movements/{mrn}/release", headers=de)
    assert r.json()["state"] == "released" and r.json()["replies"][0]["message_type"] == "CC029C"
    tapi.ctx.bus.drain()

    assert tapi.get("/transit/arrivals", headers=nl).json()["items"][0]["mrn"] == mrn
    r = tapi.post("/transit/messages", content=arrival(mrn, simplified=False), headers={**consignee, **XML})
    assert r.json()["state"] == "arrival_accepted" and r.json()["replies"] == []
    r = tapi.post(f"/transit/arrivals/{mrn}/unloading-permission", headers=nl)
    assert r.json()["state"] == "unloading"
    r = tapi.post("/transit/messages", content=unloading_remarks(mrn), headers={**consignee, **XML})
    assert r.json()["state"] == "goods_released"
    tapi.ctx.bus.drain()

    seen = tapi.get(f"/transit/movements/{mrn}", headers=holder).json()
    assert seen["departure"]["state"] == "written_off" and "destination" not in seen
    log = tapi.get(f"/transit/movements/{mrn}/log", headers=holder).json()["entries"]
    assert [e["message_type"] for e in log] == ["CC015C", "CC928C", "CC028C", "CC060C", "CC029C", "CC045C"]
    r = tapi.get(f"/transit/movements/{mrn}/log/{log[-1]['id']}", headers=holder)
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/xml")
    assert parse(r.content, expected="CC045C").data["TransitOperation"]["MRN"] == mrn
    other = tapi.headers_for("trader", eori=OTHER)
    assert tapi.get(f"/transit/movements/{mrn}", headers=other).status_code == 404
    assert tapi.get(f"/transit/movements/{mrn}/log/{log[-1]['id']}", headers=other).status_code == 404
    assert tapi.get("/transit/movements", headers=other).json()["total"] == 0


def test_rejections_in_the_error_model_with_the_rejection_message(tapi):
    holder = tapi.headers_for("trader", eori=HOLDER)
    r = tapi.post("/transit/messages", content=b"<not-xml", headers={**holder, **XML})
    assert r.status_code == 400
    body = r.json()
    assert body["type"] == "rejection" and body["errors"] and body["replies"][0]["message_type"] == "CC917C"
    r = tapi.post("/transit/messages", content=json.dumps({"a": 1}), headers={**holder, "Content-Type": "application/json"})
    assert r.status_code == 415
    grn = issue_guarantee(tapi.ctx.db)
    r = tapi.post("/transit/messages", content=declaration(grn, holder=OTHER), headers={**holder, **XML})
    assert r.status_code == 422
    body = r.json()
    assert body["errors"][0]["pointer"] == "/CC015C/HolderOfTheTransitProcedure/identificationNumber"
    rejection = parse(body["replies"][0]["xml"].encode(), expected="CC056C").data
    assert rejection["FunctionalError"][0]["errorCode"] == "14"
    officer = tapi.headers_for("officer", country="DE", office=DEPARTURE)
    assert tapi.post("/transit/messages", content=b"<x/>", headers={**officer, **XML}).status_code == 403
    assert tapi.post("/transit/messages", content=b"<x/>", headers=XML).status_code == 401


def test_command_line_send_show_and_log(sqlite_box, tmp_path):
    from typer.testing import CliRunner

    from eucustoms.platform.auth import issue_token
    from eucustoms.platform.clitools import set_database_url
    from eucustoms.systems.transit.cli import app

    prepare(sqlite_box)
    grn = issue_guarantee(sqlite_box)
    with sqlite_box.begin() as conn:
        token, _ = issue_token(conn, role="trader", name="Elbe Logistik", eori=HOLDER)
    path = tmp_path / "cc015c.xml"
    path.write_bytes(declaration(grn))
    url = str(sqlite_box.engine.url)

    def run(*args: str):
        set_database_url(url, context=open_context)
        return CliRunner().invoke(app, list(args))

    sent = run("send", str(path), "--token", token, "--json")
    assert sent.exit_code == 0, sent.output
    out = json.loads(sent.stdout)
    assert out["state"] == "released" and [r["message_type"] for r in out["replies"]] == ["CC928C", "CC028C", "CC029C"]
    mrn = out["mrn"]
    again = run("send", str(path), "--token", token)  # the same LRN again
    assert again.exit_code == 1 and "26" in again.output and "CC056C" in again.output
    shown = run("show", mrn, "--token", token, "--json")
    assert json.loads(shown.stdout)["departure"]["state"] == "released"
    logged = run("log", mrn, "--json")  # the administrator: every office's log and the IE messages
    types = [e["message_type"] for e in json.loads(logged.stdout)["entries"]]
    assert types[:4] == ["CC015C", "CC928C", "CC028C", "CC029C"] and "IE001" in types
    first = json.loads(logged.stdout)["entries"][0]["id"]
    xml = run("log", mrn, "--xml", str(first))
    assert xml.exit_code == 0 and "<messageType>CC015C</messageType>" in xml.stdout.replace("\n", "")
    example = run("example", "CC015C")
    assert example.exit_code == 0 and "CC015C" in example.stdout
    assert run("send", str(tmp_path / "missing.xml"), "--token", token).exit_code == 1
