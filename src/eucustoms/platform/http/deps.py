"""FastAPI dependencies: the running context, and the principal behind each call with its role checks."""

from __future__ import annotations

from typing import Callable

from fastapi import Request

from eucustoms.core.errors import Forbidden, Unauthenticated
from eucustoms.platform.auth import PUBLIC, Principal, Role, authenticate
from eucustoms.platform.context import Context


async def context(request: Request) -> Context:
    # A coroutine: FastAPI would run a plain function in its thread pool, a costly hop for an attribute read.
    return request.app.state.context


def current_principal(request: Request) -> Principal:
    """The caller: the holder of the bearer token, or the public when there is none."""
    header = request.headers.get("authorization")
    if not header:
        return PUBLIC
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise Unauthenticated("use 'Authorization: Bearer <token>'")
    return authenticate(request.app.state.context.db, token)


def require(*roles: Role) -> Callable[[Request], Principal]:
    """A dependency that lets through only ``roles``: 401 for an anonymous caller, 403 for another role."""
    wanted = " or ".join(r.value for r in roles)

    def dependency(request: Request) -> Principal:
        principal = current_principal(request)
        if principal.role in roles:
            return principal
        if principal.role is Role.PUBLIC:
            raise Unauthenticated(f"this call needs a token of role {wanted}")
        raise Forbidden(f"this call needs the role {wanted}; your token is for {principal.role.value}")

    dependency.__name__ = f"require_{'_'.join(r.value for r in roles)}"
    return dependency
