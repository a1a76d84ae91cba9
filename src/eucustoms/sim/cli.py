"""``eucustoms simulate`` and ``eucustoms bench``.

Registered at the root of the ``eucustoms`` command by :func:`register`; this module's own :data:`app` (with a
``--db`` option of its own) runs them standalone: ``python -m eucustoms.sim.cli simulate --days 1``."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from eucustoms.platform.clitools import (
    console,
    database,
    err_console,
    print_json,
    reported,
    set_database_url,
)

app = typer.Typer(help="The trade simulator and the benchmark suite.", no_args_is_help=True,
                  pretty_exceptions_enable=False)


def register(root: typer.Typer) -> None:
    """Add ``simulate`` and ``bench`` to the root ``eucustoms`` command."""
    root.command("simulate")(simulate)
    root.command("bench")(bench)


@app.callback()
def _standalone(db: Annotated[str | None, typer.Option("--db", envvar="EUCUSTOMS_DATABASE_URL")] = None) -> None:
    set_database_url(db)


def _ready_database(quiet: bool) -> Any:
    """The database of this invocation, initialised (migrations, reference data, tariff) if it is not yet."""
    from eucustoms.migrations import current, head

    db = database(initialised=False)
    try:
        fresh = current(db) != head()
    except Exception:  # noqa: BLE001 - e.g. an empty file: initialise it
        fresh = True
    if fresh:
        from eucustoms.cli import run_init

        if not quiet:
            err_console.print(f"initialising {db.describe()} (migrations, reference data, tariff)…")
        run_init(quiet=quiet)
        db = database(initialised=False)
    return db


def simulate(
    days: Annotated[float, typer.Option("--days", min=0.01, help="simulated days")] = 1.0,
    scale: Annotated[float, typer.Option("--scale", min=0.0, help="share of the EU's 2024 average day (0.001 = a thousandth)")] = 0.001,
    seed: Annotated[int, typer.Option("--seed", help="the world and the traffic follow from it")] = 2024,
    start: Annotated[str | None, typer.Option("--start", help="first simulated day, YYYY-MM-DD (default: today)")] = None,
    threads: Annotated[int, typer.Option("--threads", min=1, max=64, help="threads playing each tick (1: reproducible to the MRN)")] = 8,
    workers: Annotated[int, typer.Option("--workers", min=1, max=32, help="worker processes sharing the stories (PostgreSQL)")] = 1,
    bad_share: Annotated[float, typer.Option("--bad-share", min=0.0, max=0.5, help="share of bad messages")] = 0.01,
    floor: Annotated[bool, typer.Option("--floor/--no-floor", help="at least one story of every flow")] = True,
    lookups: Annotated[bool, typer.Option("--lookups/--no-lookups", help="public look-ups through the API")] = True,
    out: Annotated[Path | None, typer.Option("--out", help="write the summary (JSON) to this file")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print the summary as JSON")] = False,
) -> None:
    """Simulate the union's traffic for DAYS days at SCALE of the EU's 2024 average day (progress bar, summary)."""
    from .runner import Config, to_json
    from .runner import simulate as run
    from .workers import simulate_parallel

    with reported(as_json):
        day = datetime.strptime(start, "%Y-%m-%d").replace(tzinfo=UTC) if start else None
        cfg = Config(days=days, scale=scale, seed=seed, start=day, threads=threads, bad_share=bad_share, floor=floor,
                     lookups=lookups, workers=workers)
        db = _ready_database(as_json)
        with Progress(TextColumn("[bold]simulating[/bold] {task.description}"), BarColumn(), MofNCompleteColumn(),
                      TimeElapsedColumn(), console=err_console, disable=as_json, transient=True) as progress:
            task = progress.add_task("", total=None)

            def step(done: int, total: int, what: str) -> None:
                progress.update(task, completed=done, total=total, description=what)

            if workers > 1:
                summary = simulate_parallel(db, cfg, progress=step)
            else:
                summary = run(db, cfg, progress=step)
    if out:
        out.write_text(to_json(summary))
    if as_json:
        print_json(json.loads(to_json(summary)))
    else:
        print_summary(summary)


def print_summary(s: dict[str, Any]) -> None:
    console.rule(f"[bold]simulated {s['days']:g} day(s) at scale {s['scale']:g}[/bold] — run {s['run_id']}")
    console.print(f"database: {s['database']}; seed {s['seed']}; {s['start'][:16]} → {s['end'][:16]} simulated; "
                  f"world {s['world']['digest']}, plan {s['plan']['digest']}")
    t = Table(title="Traffic against the EU's 2024 average (× scale × days)")
    for col in ("system", "unit", "target", "generated", "ratio", "note"):
        t.add_column(col, justify="right" if col in ("target", "generated", "ratio") else "left")
    for r in s["systems"]:
        t.add_row(r["system"], r["unit"], f"{r['target']:,.1f}", f"{r['generated']:,}",
                  "" if r["ratio"] is None else f"{r['ratio']:.2f}", r["note"])
    console.print(t)
    console.print("stories: " + ", ".join(f"{k} {v:,}" for k, v in sorted(s["plan"]["stories"].items())))
    gt = s.get("ground_truth", {})
    planted = {p: n for sys in gt.values() for p, n in sys.items() if p != "clean"}
    console.print("ground truth: " + "; ".join(f"{sys} {sum(v.values()):,} ({', '.join(f'{p} {n}' for p, n in sorted(v.items()) if p != 'clean') or 'clean'})"
                                              for sys, v in gt.items()) + f" — {sum(planted.values())} planted")
    bad = s["bad_input"]
    sent = sum(v["sent"] for v in bad["kinds"].values())
    ok = sum(v["rejected_as_expected"] for v in bad["kinds"].values())
    colour = "green" if bad["ok"] else "red"
    console.print(f"bad messages: [{colour}]{ok}/{sent} rejected as expected[/{colour}], {bad['mismatches']} mismatch(es), "
                  f"{bad['victims_changed']} victim(s) changed")
    for kind, v in bad["kinds"].items():
        for m in v["mismatches"][:2]:
            console.print(f"  [red]mismatch[/red] {kind}: expected {v['expected']}, got {m['status']} {m['codes']}: {m.get('reason')}")
    audit = s.get("audit")
    if audit:
        console.print(f"audit: {audit['checked']:,} references consulted, {audit['missing']} missing")
    errs = s["errors"]
    if errs["count"]:
        console.print(f"[red]{errs['count']} unexpected error(s)[/red] (good messages the systems refused or crashed on):")
        for e in errs["sample"][:5]:
            console.print(f"  {e['story']}: {e['error'][:300]}")
    console.print(f"done in {s['seconds']} s ({s.get('prepare_seconds', 0)} s to build and install the world), "
                  f"CPU {s['cpu_seconds']} s, peak memory {s['max_rss_mb']} MB")


def bench(
    out: Annotated[Path, typer.Option("--out", help="directory for bench.json and bench.md")] = Path("benchmarks/results/bench"),
    quick: Annotated[bool, typer.Option("--quick", help="small runs: a few minutes in all")] = False,
    db: Annotated[str | None, typer.Option("--db", help="PostgreSQL URL for the benchmarks that take one "
                                                                 "(default: embedded SQLite)")] = None,
    only: Annotated[str | None, typer.Option("--only", help="comma-separated benchmark names")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Run every system's benchmark and the machine's ceiling; write bench.json and bench.md with the headroom over
    the EU's 2024 average rates."""
    from .bench import run_suite

    result = run_suite(out, quick=quick, db=db, only=[x.strip() for x in only.split(",")] if only else None,
                       echo=None if as_json else err_console.print)
    if as_json:
        print_json(result)
    else:
        typer.echo((out / "bench.md").read_text())
        console.print(f"written to {out / 'bench.json'} and {out / 'bench.md'}")


app.command("simulate")(simulate)
app.command("bench")(bench)

if __name__ == "__main__":
    app()
