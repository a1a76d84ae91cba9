"""What every command-line module shares: the database chosen on the command line, Rich output, and the
printing of rejections (every error, as the API lists them)."""

from __future__ import annotations

import json
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, Callable, Iterator, NoReturn, Optional

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
from eucustoms.platform.auth import Principal, Role, authenticate
from eucustoms.platform.db import Database, connect

console = Console()
err_console = Console(stderr=True)

#: The local administrator: commands run with the Commission's rights on the box they administer.
ADMIN = Principal(role=Role.COMMISSION, name="eucustoms-cli")

_state: dict[str, Any] = {"url": None, "db": None, "ready": None, "context": None}

#: Options every system's commands share.
Token = Annotated[Optional[str], typer.Option("--token", envvar="EUCUSTOMS_TOKEN", help="your API token")]
AsJson = Annotated[bool, typer.Option("--json")]


def set_database_url(url: str | None, readiness: Callable[[Database], str | None] | None = None,
                     context: Callable[[Database], Any] | None = None) -> None:
    """Choose the database for this invocation; ``readiness`` returns why it cannot be used yet, or None;
    ``context`` opens the running box (all domains on the bus) over a database."""
    _state.update(url=url, db=None, ready=readiness, context=context)


def open_context() -> Any:
    """The box with every domain subscribed, so that a command's messages are delivered (see :func:`deliver`)."""
    if _state["context"] is None:
        raise RuntimeError("no context factory was registered by the command line")
    return _state["context"](database())


def deliver(ctx: Any, action: Callable[[], Any]) -> Any:
    """Run ``action``, then let the domains exchange what it caused (risk analysis, answers...)."""
    result = action()
    ctx.bus.drain()
    return result


def caller(token: str | None, *, required: bool = True) -> Principal:
    """The caller behind ``--token``; without one, the box's administrator where ``required`` is False."""
    if not token:
        if required:
            raise Rejected.one(ErrorCode.MISSING, "--token", "this action needs your token (--token or EUCUSTOMS_TOKEN)")
        return ADMIN
    return authenticate(database(), token)


def read_json(path: Path) -> Any:
    """A JSON file, or a rejection saying where it is broken."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise Rejected.one(ErrorCode.SYNTAX, str(path), f"cannot read the file: {exc}") from None
    except json.JSONDecodeError as exc:
        raise Rejected.one(ErrorCode.SYNTAX, f"{path}:{exc.lineno}:{exc.colno}", exc.msg) from None


def print_record(result: dict, as_json: bool, title: str) -> None:
    """One answer: as JSON, or as a two-column table."""
    if as_json:
        print_json(result)
        return
    table = Table(title=title, show_header=False)
    for k, v in result.items():
        table.add_row(str(k), json.dumps(v, default=str) if isinstance(v, (dict, list)) else str(v))
    console.print(table)


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
