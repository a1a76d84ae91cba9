"""Principals, roles and tokens. Every call is made by a principal: a trader (bound to an EORI), a customs
officer (bound to a country and an office), the Commission (central services), or the public."""

from .principal import PUBLIC, Principal, Role
from .tokens import authenticate, issue_token, list_tokens, revoke_token

__all__ = ["PUBLIC", "Principal", "Role", "authenticate", "issue_token", "list_tokens", "revoke_token"]
