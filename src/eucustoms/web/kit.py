"""What the console's system modules share: reading a form, the officers' and traders' actions as data (each a
small form rendered by the ``actions`` macro), running an action and showing its errors next to its fields, the
JSON documents traders lodge (typed or uploaded), and charts drawn as inline SVG.

An action form that is rejected shows the page again with status 422, every error next to its field (and all of
them in the summary at the top), and what the user typed; the service stored nothing (it validates first and runs
in one transaction)."""

from __future__ import annotations

import io
import json
import re
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Sequence

from fastapi import Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, ValidationError

from eucustoms.core.errors import (
    CustomsError, ErrorCode, Forbidden, InvalidIdentifier, Issue, NotFound, Rejected, Unauthenticated,
)
from eucustoms.platform.auth import Principal

from .pages import _by_field, _issues
from .session import same_origin

MAX_UPLOAD = 4 * 1024 * 1024  # what the console reads of an uploaded document


# -- forms -------------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Field:
    """One input of an action form. ``kind``: text, textarea, select, date, number, checkbox, datetime."""

    name: str
    label: str
    kind: str = "text"
    options: Sequence[tuple[str, str]] = ()
    required: bool = False
    hint: str = ""
    default: str = ""


@dataclass(frozen=True)
class Action:
    """Something a user may do to a record in its current state: a form posted to the record's action URL."""

    name: str
    label: str
    fields: Sequence[Field] = ()
    danger: bool = False
    note: str = ""


@dataclass
class FormState:
    """What a re-shown form needs: which action failed, what was typed, the errors by field."""

    failed: str = ""
    values: dict[str, str] = field(default_factory=dict)
    errors: dict[str, list[str]] = field(default_factory=dict)
    issues: list[Issue] = field(default_factory=list)

    def as_context(self) -> dict[str, Any]:
        return {"failed": self.failed, "form": self.values, "errors": self.errors, "issues": self.issues}


def options(values: Iterable[str], labels: dict[str, str] | None = None) -> tuple[tuple[str, str], ...]:
    return tuple((v, (labels or {}).get(v, v.replace("_", " "))) for v in values)


async def read_form(request: Request) -> tuple[dict[str, str], dict[str, list[str]]]:
    """The posted fields (first value of each, stripped) and every value of each (checkbox groups)."""
    form = await request.form()
    single: dict[str, str] = {}
    multi: dict[str, list[str]] = {}
    for key, value in form.multi_items():
        if hasattr(value, "read"):  # an upload: read by the page itself
            continue
        text = str(value).strip()
        single.setdefault(key, text)
        multi.setdefault(key, []).append(text)
    return single, multi


async def read_document(request: Request, text_field: str, file_field: str = "file") -> tuple[str, dict[str, str]]:
    """A document typed in ``text_field`` or uploaded as ``file_field`` (the upload wins), and the other fields."""
    form = await request.form()
    text = str(form.get(text_field) or "")
    upload = form.get(file_field)
    if upload is not None and hasattr(upload, "read"):
        content = await upload.read(MAX_UPLOAD + 1)
        if content:
            text = content[:MAX_UPLOAD].decode("utf-8", errors="replace")
    fields = {k: str(v).strip() for k, v in form.items() if not hasattr(v, "read") and k != text_field}
    return text, fields


def parse_json(text: str) -> Any:
    """The typed or uploaded JSON, or :class:`Rejected` saying where it is broken."""
    if not text.strip():
        raise Rejected.one(ErrorCode.MISSING, "", "give the document (type it, paste it or choose a file)")
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise Rejected.one(ErrorCode.SYNTAX, "", f"not JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}") from None


def model(cls: type[BaseModel], data: dict[str, Any]) -> Any:
    """``data`` as ``cls`` (empty fields left out), or :class:`Rejected` listing every error by field."""
    clean = {k: v for k, v in data.items() if v not in ("", None, [])}
    try:
        return cls.model_validate(clean)
    except ValidationError as exc:
        raise Rejected(_issues(exc), "the form was rejected") from None


def required(action: Action, values: dict[str, str]) -> list[Issue]:
    return [Issue(ErrorCode.MISSING, f"/{f.name}", f"{f.label[0].upper()}{f.label[1:]} is required")
            for f in action.fields if f.required and f.kind != "checkbox" and not values.get(f.name)]


def blank(values: dict[str, str], *names: str) -> dict[str, Any]:
    """``values[name]`` for ``names``, None where empty."""
    return {n: (values.get(n) or None) for n in names}


def flag(values: dict[str, str], name: str) -> bool:
    return values.get(name, "").lower() in ("1", "true", "on", "yes")


def split(text: str | None) -> list[str]:
    """A list typed as ``a, b c``."""
    return [x for x in re.split(r"[,\s]+", text or "") if x]


def errors_of(exc: Exception) -> FormState:
    issues = _issues(exc)
    return FormState(errors=_by_field(issues), issues=issues)


def perform(request: Request, me: Principal, values: dict[str, str], available: Sequence[Action],
            handlers: dict[str, Callable[[dict[str, str]], Any]], done: str | Callable[[Any], str],
            again: Callable[[int, FormState], Response]) -> Response:
    """Run the posted action if the record's state offers it: redirect to ``done`` (after a post, a get), or show
    the page again (``again``) with the errors next to the action's fields and what was typed."""
    same_origin(request)
    name = values.get("action", "")
    action = next((a for a in available if a.name == name), None)
    try:
        if action is None or name not in handlers:
            offered = ", ".join(a.name for a in available) or "none"
            raise Rejected.one(ErrorCode.OUT_OF_SEQUENCE, "",
                               f"{name or 'this action'} is not possible now (possible: {offered})")
        missing = required(action, values)
        if missing:
            raise Rejected(missing, "the form was rejected")
        result = handlers[name](values)
    except (Forbidden, NotFound, Unauthenticated):
        raise
    except (Rejected, InvalidIdentifier, ValidationError, CustomsError) as exc:
        state = errors_of(exc)
        state.failed, state.values = name, values
        return again(422, state)
    return RedirectResponse(done if isinstance(done, str) else done(result), status_code=303)


# -- charts ------------------------------------------------------------------------------------------------------

BLUE, GREEN, RED, GREY = "#1f4e99", "#2e8540", "#b3261e", "#9aa5b1"


def bar_chart(labels: Sequence[str], values: Sequence[float], *, title: str, xlabel: str, ylabel: str,
              horizontal: bool = True, width: float = 7.0, target: float | None = None,
              target_label: str = "target", colors: Sequence[str] | None = None) -> str:
    """A bar chart as inline SVG (text kept as text, so it is searchable and readable by screen readers)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    with plt.rc_context({"svg.fonttype": "none", "font.size": 9, "axes.spines.top": False, "axes.spines.right": False}):
        height = max(2.4, 0.34 * len(labels) + 1.2) if horizontal else 3.6
        fig, ax = plt.subplots(figsize=(width, height))
        if horizontal:
            ax.barh(list(labels)[::-1], list(values)[::-1], color=list(colors or [BLUE] * len(values))[::-1])
            ax.set_xlabel(xlabel)
            ax.set_ylabel(ylabel)
            if target is not None:
                ax.axvline(target, color="#b3261e", linestyle="--", label=target_label)
                ax.legend(loc="lower right")
        else:
            ax.bar(list(labels), list(values), color=list(colors or [BLUE] * len(values)))
            ax.set_xlabel(xlabel)
            ax.set_ylabel(ylabel)
            ax.tick_params(axis="x", rotation=30)
            if target is not None:
                ax.axhline(target, color="#b3261e", linestyle="--", label=target_label)
                ax.legend(loc="upper left")
        ax.set_title(title, fontweight="bold")
        buf = io.StringIO()
        fig.savefig(buf, format="svg", bbox_inches="tight")
        plt.close(fig)
    return _svg(buf.getvalue(), title)


def line_chart(series: dict[str, tuple[Sequence[str], Sequence[float]]], *, title: str, xlabel: str,
               ylabel: str, target: float | None = None) -> str:
    """Lines over the same x axis (e.g. years) as inline SVG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    with plt.rc_context({"svg.fonttype": "none", "font.size": 9, "axes.spines.top": False, "axes.spines.right": False}):
        fig, ax = plt.subplots(figsize=(6.0, 3.2))
        for name, (xs, ys) in series.items():
            ax.plot(list(xs), list(ys), marker="o", label=name)
        if target is not None:
            ax.axhline(target, color="#b3261e", linestyle="--", label="target")
        ax.set_xlabel(xlabel)
        ax.set_ylabel(ylabel)
        ax.set_title(title, fontweight="bold")
        ax.legend(loc="best")
        buf = io.StringIO()
        fig.savefig(buf, format="svg", bbox_inches="tight")
        plt.close(fig)
    return _svg(buf.getvalue(), title)


def _svg(text: str, title: str) -> str:
    svg = text[text.index("<svg"):]
    svg = re.sub(r"<metadata>.*?</metadata>", "", svg, flags=re.S)
    label = title.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
    return svg.replace("<svg ", f'<svg role="img" aria-label="{label}" ', 1)
