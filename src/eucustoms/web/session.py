"""Who is using the console: the API token given at sign-in, kept in an HttpOnly, SameSite=Strict cookie.

Every page authenticates the cookie's token exactly as the API authenticates a bearer token, so a revoked
token signs the user out at the next page. Forms that change something are refused when the request comes
from another origin (the Origin/Referer check complements SameSite against cross-site posts)."""

from __future__ import annotations

from urllib.parse import urlsplit

from fastapi import Request

from eucustoms.core.errors import Forbidden, Unauthenticated
from eucustoms.platform.auth import PUBLIC, Principal, Role, authenticate

COOKIE = "euc_console"


def principal_of(request: Request) -> Principal:
    token = request.cookies.get(COOKIE)
    if not token:
        return PUBLIC
    try:
        return authenticate(request.app.state.context.db, token)
    except Unauthenticated:
        return PUBLIC


def same_origin(request: Request) -> None:
    """Refuse a state-changing request sent from another site."""
    source = request.headers.get("origin") or request.headers.get("referer")
    if not source:
        return  # not a browser form post (a script with the cookie would need the token anyway)
    host = request.headers.get("host", "")
    if urlsplit(source).netloc != host:
        raise Forbidden("this form must be sent from the console's own pages")


def needs(principal: Principal, *roles: Role) -> None:
    if principal.role is Role.PUBLIC:
        raise Unauthenticated("sign in with your token to see this page")
    principal.require(*roles)
