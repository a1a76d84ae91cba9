"""What every command-line module shares: the database chosen on the command line, Rich output, and the
printing of rejections (every error, as the API lists them)."""

from __future__ import annotations

import json
import sys
from contextlib import contextmanager
from typing import Any, Callable, Iterator, NoReturn

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.table import Table

from eucustoms.core.errors import (
    Conflict,
    CustomsError,
    ErrorCode,
    InvalidIdentifier,
    Issue,
    Rejected,
)
from eucustoms.platform.auth import Principal, Role
from eucustoms.platform.db import Database, connect

console = Console()
err_console = Console(stderr=True)

#: The local administrator: commands run with the Commission's rights on the box they administer.
ADMIN = Principal(role=Role.COMMISSION, name="eucustoms-cli")

_state: dict[str, Any] = {"url": None, "db": None, "ready": None}


def set_database_url(url: str | None, readiness: Callable[[Database], str | None] | None = None) -> None:
    """Choose the database for this invocation; ``readiness`` returns why it cannot be used yet, or None."""
    _state.update(url=url, db=None, ready=readiness)


def database(*, initialised: bool = True) -> Database:
    """The database of this invocation; unless ``initialised=False``, exit with a hint if it needs ``init``."""
    if _state["db"] is None:
        _state["db"] = connect(_state["url"])
    if initialised and _state["ready"] is not None:
        problem = _state["ready"](_state["db"])
        if problem:
            err_console.print(f"[red]{problem}[/red]")
            raise typer.Exit(1)
    return _state["db"]


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, indent=2, default=str, ensure_ascii=False) + "\n")


def issues_of(exc: Exception) -> list[Issue]:
    if isinstance(exc, Rejected):
        return exc.issues
    if isinstance(exc, InvalidIdentifier):
        return [Issue(ErrorCode.RULE_VIOLATION, exc.kind, exc.reason)]
    if isinstance(exc, Conflict):
        return [exc.issue]
    if isinstance(exc, ValidationError):
        from eucustoms.platform.http.errors import issues_from_pydantic

        return issues_from_pydantic(exc.errors())
    return [Issue(ErrorCode.RULE_VIOLATION, "", str(exc))]


def fail(exc: Exception, *, as_json: bool = False) -> NoReturn:
    issues = issues_of(exc)
    message = getattr(exc, "message", None) or "rejected"
    if as_json:
        print_json({"message": message, "errors": [i.as_dict() for i in issues]})
    else:
        table = Table(title=f"[red]{message}[/red]", show_lines=False)
        table.add_column("code")
        table.add_column("pointer")
        table.add_column("reason")
        for i in issues:
            table.add_row(i.code, i.pointer, i.reason)
        err_console.print(table)
    raise typer.Exit(1)


@contextmanager
def reported(as_json: bool = False) -> Iterator[None]:
    """Turn our errors into a printed rejection and exit code 1 instead of a traceback."""
    try:
        yield
    except (CustomsError, ValidationError) as exc:
        fail(exc, as_json=as_json)
