"""What every flow shares: stories, their steps, and the simulation they run in."""

from __future__ import annotations

import hashlib
import json
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol


class Sim(Protocol):
    """What a story's step may use (implemented by :class:`eucustoms.sim.runner.Simulation`)."""

    ctx: Any
    world: Any
    run_tag: str
    start: datetime
    end: datetime

    def trader(self, eori: str) -> Any: ...
    def officer(self, country: str, office: str | None = None) -> Any: ...
    def commission(self) -> Any: ...
    def spawn(self, story: Story, at: datetime) -> None: ...
    def count(self, key: str, n: int = 1) -> None: ...
    def truth(self, story: Story, system: str, reference: str) -> None: ...
    def drain(self) -> None: ...


Step = Callable[["Sim"], "list[tuple[timedelta, str]] | None"]


@dataclass
class Story:
    """A unit of traffic. ``plan()`` builds its messages (deterministically, from ``rnd``); the runner calls
    ``step_<name>(sim)`` at the simulated times the story asks for; a step returns the next steps as
    (delay, name) pairs."""

    kind: str
    number: int
    seed: int
    rnd: random.Random = field(init=False, repr=False)
    fraud: dict[str, Any] | None = None  # the planted pattern and its facts (see fraud.py), or None
    refs: dict[str, str] = field(default_factory=dict)  # references the systems gave it (MRN…)
    outcome: str | None = None  # the last state reached
    error: str | None = None  # an unexpected failure (a bug to report: every good message should pass)

    def __post_init__(self) -> None:
        self.rnd = random.Random(f"{self.seed}:{self.kind}:{self.number}")

    @property
    def key(self) -> str:
        return f"{self.kind}#{self.number}"

    def plan(self) -> dict[str, Any]:  # the generated messages, for the digest
        return {}

    def first_step(self) -> str:
        return "start"

    def run(self, sim: Sim, name: str) -> list[tuple[timedelta, str]]:
        return getattr(self, f"step_{name}")(sim) or []


def digest(values: list[Any]) -> str:
    return hashlib.sha256(json.dumps(values, sort_keys=True, default=str).encode()).hexdigest()[:16]


def iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")
