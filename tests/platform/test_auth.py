"""Tokens: stored hashed, bound to what the role needs, revocable and expiring."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from eucustoms.core.clock import now
from eucustoms.core.errors import Rejected, Unauthenticated
from eucustoms.platform.auth import Role, authenticate, issue_token, revoke_token
from eucustoms.platform.auth.tokens import auth_token


def test_a_token_authenticates_as_its_principal_and_only_its_hash_is_stored(db):
    with db.begin() as conn:
        token, principal = issue_token(conn, role=Role.TRADER, name="Elbe Logistik", eori="DE1234567")
    me = authenticate(db, token)
    assert me.role is Role.TRADER and me.eori == "DE1234567" and me.country is None
    with db.read() as conn:
        stored = conn.execute(select(auth_token)).mappings().one()
    secret = token.split("_", 2)[2]
    assert secret not in str(dict(stored))


def test_unknown_tampered_and_malformed_tokens_are_refused(db):
    with db.begin() as conn:
        token, _ = issue_token(conn, role=Role.COMMISSION, name="TAXUD")
    tampered = token[:-1] + ("A" if token[-1] != "A" else "B")
    for bad in (tampered, "euc_0000000000000000_" + "x" * 43, "nonsense", ""):
        with pytest.raises(Unauthenticated):
            authenticate(db, bad)


def test_revoked_and_expired_tokens_are_refused(db):
    with db.begin() as conn:
        token, principal = issue_token(conn, role=Role.OFFICER, name="Officer", country="FR", office="FR000690")
        old, _ = issue_token(conn, role=Role.COMMISSION, name="old", expires_at=now() - timedelta(seconds=1))
    assert authenticate(db, token).office == "FR000690"
    with db.begin() as conn:
        assert revoke_token(conn, principal.token_id)
    with pytest.raises(Unauthenticated, match="revoked"):
        authenticate(db, token)
    with pytest.raises(Unauthenticated, match="expired"):
        authenticate(db, old)


def test_a_token_must_carry_the_binding_of_its_role(db):
    with db.begin() as conn:
        with pytest.raises(Rejected) as trader:
            issue_token(conn, role=Role.TRADER, name="")
        with pytest.raises(Rejected) as officer:
            issue_token(conn, role=Role.OFFICER, name="x", country="DE", office="FR000690")
    assert {i.pointer for i in trader.value.issues} == {"/name", "/eori"}
    assert [i.pointer for i in officer.value.issues] == ["/office"]
