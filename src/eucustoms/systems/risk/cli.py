"""``eucustoms risk``: the common risk criteria in force, the SSA analytics model (train, evaluate, models) and the
public customs-fraud benchmark of the ranking model."""

from __future__ import annotations

import datetime as dt
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, Callable, Iterator, Optional

import typer
from rich import box
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from eucustoms.core.clock import now
from eucustoms.core.errors import ErrorCode, Rejected
from eucustoms.platform.clitools import console, database, err_console, print_json, reported

app = typer.Typer(help="Risk management: common risk criteria, the SSA analytics model and its benchmark.",
                  no_args_is_help=True)

SINCE = typer.Option("--since", help="first day of the period (YYYY-MM-DD, day the consignments were scored)")
UNTIL = typer.Option("--until", help="last day of the period (YYYY-MM-DD, inclusive)")
JSON = typer.Option("--json", help="print the result as JSON")


@contextmanager
def _progress(title: str, *, quiet: bool) -> Iterator[Callable[[str], None]]:
    """A spinner on stderr whose line follows the steps reported; each step is also logged above it."""
    with Progress(SpinnerColumn(), TextColumn("[bold]{task.description}"), TimeElapsedColumn(),
                  console=err_console, disable=quiet, transient=True) as progress:
        task = progress.add_task(title, total=None)

        def step(message: str) -> None:
            progress.update(task, description=f"{title}: {message}")
            if not quiet:
                progress.console.print(f"[dim]{dt.datetime.now():%H:%M:%S}[/dim] {message}", highlight=False)

        yield step


def _fmt(value: Any) -> str:
    if value is None:
        return "n/a"
    if isinstance(value, float):
        return "n/a" if value != value else f"{value:.3f}"
    return str(value)


def _when(iso: str | None) -> str:
    return iso[:16].replace("T", " ") if iso else "n/a"


def _day(value: str | None, option: str) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise Rejected.one(ErrorCode.RULE_VIOLATION, option, f"{value!r} is not a date (YYYY-MM-DD)") from None


_METRIC_ORDER = ("rows", "frauds", "base_rate", "precision@1%", "precision@2%", "precision@5%", "precision@10%",
                 "recall@5%", "recall@10%", "auc", "critical_frauds", "critical_recall@5%", "critical_recall@10%")


def _metrics_table(title: str, columns: dict[str, dict[str, Any]]) -> Table:
    table = Table(title=title)
    table.add_column("metric")
    for name in columns:
        table.add_column(name, justify="right")
    keys = [k for k in _METRIC_ORDER if any(k in c for c in columns.values())]
    for key in keys:
        table.add_row(key, *(_fmt(c.get(key)) for c in columns.values()))
    return table


# -- the SSA model -------------------------------------------------------------------------------------------------

@app.command()
def train(
    since: Annotated[Optional[str], SINCE] = None,
    until: Annotated[Optional[str], UNTIL] = None,
    min_rows: Annotated[int, typer.Option("--min-rows", help="refuse with fewer labelled consignments")] = 200,
    valid_fraction: Annotated[float, typer.Option("--valid-fraction",
                                                  help="latest share of the rows, for early stopping and the threshold")] = 0.25,
    signal_rate: Annotated[float, typer.Option("--signal-rate",
                                               help="share of the validation rows above the signal threshold")] = 0.05,
    out_dir: Annotated[Optional[Path], typer.Option("--out-dir", help="where to save the model (default: $EUCUSTOMS_HOME/models)")] = None,
    activate: Annotated[bool, typer.Option("--activate/--no-activate", help="make it the model the analysis uses")] = True,
    seed: Annotated[int, typer.Option("--seed")] = 0,
    as_json: Annotated[bool, JSON] = False,
) -> None:
    """Train the SSA model on the control results fed back by the member states.

    The model is saved, registered and (unless --no-activate) made the one the central analysis uses."""
    from . import training

    with reported(as_json):
        db = database()
        with _progress("training the SSA model", quiet=as_json) as step:
            summary = training.train(db, out_dir=out_dir, since=_day(since, "--since"), until=_day(until, "--until"),
                                     min_rows=min_rows, valid_fraction=valid_fraction, signal_rate=signal_rate,
                                     activate=activate, seed=seed, progress=step)
    if as_json:
        print_json(summary)
        return
    split, signal = summary["split"], summary["signal"]
    console.print(f"trained [bold]{summary['version']}[/bold]{' (active)' if summary['active'] else ''}: "
                  f"{summary['rows']:,} labelled consignments ({split['positives']:,} positive), "
                  f"{split['train']:,} to train and the latest {split['valid']:,} to validate; "
                  f"{summary['best_iteration']} boosting rounds")
    console.print(f"signal threshold {signal['threshold']:.4f} (top {signal['rate']:.0%} of validation scores)")
    console.print(_metrics_table("validation metrics", {"model": summary["valid"]}))
    console.print("[dim]on the latest rows, which also chose the number of rounds and the threshold[/dim]")
    console.print(f"saved to {summary['path']}")


@app.command()
def evaluate(
    since: Annotated[Optional[str], SINCE] = None,
    until: Annotated[Optional[str], UNTIL] = None,
    version: Annotated[Optional[str], typer.Option("--version", help="a registered model (default: the active one)")] = None,
    ground_truth: Annotated[bool, typer.Option("--ground-truth", help="score the risk engine on the cases the simulator planted")] = False,
    run: Annotated[Optional[str], typer.Option("--run", help="with --ground-truth: a simulation run (default: all)")] = None,
    rate: Annotated[Optional[str], typer.Option("--rate", help="with --ground-truth: inspection rates, e.g. 0.01,0.05")] = None,
    as_json: Annotated[bool, JSON] = False,
) -> None:
    """Evaluate the active model on labelled consignments it has not seen.

    By default: those scored after it was trained. The rule-based selection of the same consignments is shown
    next to it. With ``--ground-truth``: precision and recall of the planted fraud and safety cases of a simulated
    period at the inspection rates a member state can afford."""
    if ground_truth:
        from .ground_truth import evaluate_command

        evaluate_command(run, rate, as_json)
        return
    from . import training

    with reported(as_json):
        db = database()
        with _progress("evaluating the SSA model", quiet=as_json):
            result = training.evaluate(db, since=_day(since, "--since"), until=_day(until, "--until"),
                                       version=version)
    if as_json:
        print_json(result)
        return
    mdl = result["model"]
    console.print(f"model [bold]{mdl['version']}[/bold] (trained {_when(mdl['trained_at'])} UTC, threshold "
                  f"{mdl['threshold']:.4f}), consignments {result['period']['rule']}: {result['rows']:,}")
    if result["metrics"] is None:
        console.print(f"[yellow]{result['message']}[/yellow]")
        return
    base = result["baselines"]
    columns = {"model": result["metrics"], "SSA rule signals": base["ssa_rule_signals"]["metrics"]}
    crc = base["common_risk_criteria"]
    if crc.get("rows"):
        columns[f"CRC ({crc['rows']} rows)"] = crc["metrics"]
        columns["model, same rows"] = crc["model_on_same_rows"]
    console.print(_metrics_table("ranking of the labelled consignments", columns))
    sel = Table(title="selection")
    for col in ("selected by", "selected", "share", "precision", "recall"):
        sel.add_column(col, justify="right" if col != "selected by" else "left")
    picks = [("model signal (score ≥ threshold)", result["model_signals"]),
             ("any SSA rule signal", base["ssa_rule_signals"]["signalled"])]
    if crc.get("rows"):
        picks += [("CRC hit asking for a control", crc["hit"]), ("CRC hit or SSA rule signal", crc["crc_or_rule_signal"])]
    for name, s in picks:
        sel.add_row(name, _fmt(s["selected"]), _fmt(s["selected_share"]), _fmt(s["precision"]), _fmt(s["recall"]))
    console.print(sel)
    if not crc.get("rows"):
        console.print(f"[dim]common risk criteria: {crc['note']}[/dim]")
    for caveat in result["caveats"]:
        console.print(f"[dim]- {caveat}[/dim]")


@app.command()
def models(as_json: Annotated[bool, JSON] = False) -> None:
    """List the registered SSA models, newest first."""
    from . import training

    with reported(as_json):
        rows = training.models(database())
    if as_json:
        print_json(rows)
        return
    if not rows:
        console.print("no model trained yet: run `eucustoms risk train`")
        return
    table = Table(title="SSA models", box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False,
                  caption="* the active model; AUC and P@5% on its validation rows (the latest it was trained on)")
    table.add_column("version", no_wrap=True)
    for col in ("trained (UTC)", "rows", "threshold", "AUC", "P@5%"):
        table.add_column(col, justify="left" if col == "trained (UTC)" else "right", no_wrap=True)
    for r in rows:
        name = r["version"] + (" *" if r["active"] else "") + ("" if r["file_present"] else " [red](file missing)[/red]")
        table.add_row(name, _when(r["trained_at"]), f"{r['rows']:,}",
                      _fmt(r["threshold"]), _fmt(r["valid"].get("auc")), _fmt(r["valid"].get("precision@5%")))
    console.print(table)


# -- the public benchmark --------------------------------------------------------------------------------------------

@app.command()
def benchmark(
    data: Annotated[Optional[Path], typer.Option(
        "--data", help="folder of the customs fraud benchmark CSV files (default: $EUCUSTOMS_FRAUD_DATA, else "
                       "../shared/benchmarks/customs-fraud)")] = None,
    seed: Annotated[int, typer.Option("--seed")] = 0,
    quick: Annotated[bool, typer.Option("--quick", help="skip the two diagnostic comparison models")] = False,
    out: Annotated[Optional[Path], typer.Option("--out", help="also write the Markdown report to this file")] = None,
    fraction: Annotated[float, typer.Option("--fraction", hidden=True, help="share of every split (tests)")] = 1.0,
    threads: Annotated[int, typer.Option("--threads", help="LightGBM threads")] = 2,
    as_json: Annotated[bool, JSON] = False,
) -> None:
    """Run the public customs-fraud benchmark and print its Markdown report.

    The risk model is trained on the train split (valid for early stopping only) and scores the test split once:
    Precision@1/2/5/10%, Recall@5/10%, AUC and critical recall, next to the published table."""
    from .analytics import format_report, run_benchmark
    from .analytics.dataset import DataNotFoundError

    with reported(as_json):
        if not 0 < fraction <= 1:
            raise Rejected.one(ErrorCode.RULE_VIOLATION, "--fraction", "must be in (0, 1]")
        try:
            with _progress("benchmark", quiet=as_json) as step:
                result = run_benchmark(data, seed=seed, progress=step, fraction=fraction, diagnostics=not quick,
                                       num_threads=threads)
        except DataNotFoundError as exc:
            raise Rejected.one(ErrorCode.NOT_FOUND, "--data", str(exc)) from None
    report = format_report(result)
    if out is not None:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(report, encoding="utf-8")
    if as_json:
        print_json(result)
    else:
        sys.stdout.write(report)


# -- the common risk criteria -----------------------------------------------------------------------------------------

def _outcome(outcome: Any) -> str:
    text = f"{outcome.action.value} ({outcome.level.value})"
    return text + (f", {outcome.referral.value}" if outcome.referral else "")


@app.command()
def rules(
    paths: Annotated[Optional[list[Path]], typer.Argument(
        help="rule set / reference price files or folders (default: the rule sets shipped with the box)",
        show_default=False)] = None,
    check: Annotated[bool, typer.Option("--check", help="only validate the files: print every problem with its "
                                                        "pointer, exit 1 if there is any")] = False,
    as_of: Annotated[Optional[str], typer.Option("--as-of", help="the day (YYYY-MM-DD; default today)")] = None,
    as_json: Annotated[bool, JSON] = False,
) -> None:
    """List the common risk criteria in force on a day, or validate rule files with --check.

    The list gives each rule's id, rule set version, risk type and outcome."""
    from .criteria import load_rulebook, shipped_rules_dir
    from .service import rulebook

    with reported(as_json):
        day = _day(as_of, "--as-of") or now().date()
        if paths:
            book = load_rulebook(*paths)
        elif check:
            book = load_rulebook(shipped_rules_dir())
        else:
            book = rulebook()
    if check:
        counts = {"rulesets": len(book.rulesets), "rules": sum(len(rs.rules) for rs in book.rulesets),
                  "files": [str(p) for p in (paths or [shipped_rules_dir()])]}
        if as_json:
            print_json({"valid": True, **counts})
        else:
            console.print(f"[green]valid[/green]: {counts['rulesets']} rule set version(s), {counts['rules']} rules "
                          f"in {', '.join(counts['files'])}")
        return
    in_force = book.as_of(day)
    listed = [{"ruleset": rs.ruleset, "version": rs.version, "valid_from": rs.valid_from.isoformat(),
               "valid_to": rs.valid_to.isoformat() if rs.valid_to else None, "rule_id": r.id, "title": r.title,
               "risk_type": r.risk_type.value, "applies_to": list(r.applies_to) if r.applies_to else None,
               "enabled": r.enabled, "outcome": r.outcome.model_dump(mode="json", exclude_none=True)}
              for rs in in_force for r in rs.rules]
    if as_json:
        print_json({"as_of": day.isoformat(), "rules": listed,
                    "reference_prices": [{"id": p.reference_prices, "version": p.version}
                                         for p in book.prices_as_of(day)]})
        return
    if not in_force:
        console.print(f"no rule set is in force on {day}")
        return
    console.print(f"common risk criteria in force on {day}")
    for rs in in_force:
        table = Table(title=f"{rs.ruleset} version {rs.version} ({rs.valid_from} to {rs.valid_to or 'open'})",
                      title_justify="left")
        table.add_column("rule", no_wrap=True)
        table.add_column("risk type", overflow="fold")
        table.add_column("applies to", overflow="fold")
        table.add_column("outcome", overflow="fold")
        table.add_column("title", overflow="fold")
        for r in rs.rules:
            table.add_row(r.id if r.enabled else f"[dim]{r.id} (disabled)[/dim]", r.risk_type.value,
                          ", ".join(r.applies_to) if r.applies_to else "all", _outcome(r.outcome), r.title)
        console.print(table)
