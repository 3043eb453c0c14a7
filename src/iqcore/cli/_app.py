"""The commands of ``iqcore`` (click, with rich for tables). Imported only when the command runs.

Every command's ``--json`` output is one JSON document on stdout whose first keys are
``"iqcore"`` (the version) and ``"command"``; its layout is documented in the command's help and
in ``docs/reference/cli.md``, and only grows (new keys) within a major version.
"""

from __future__ import annotations

import functools
import itertools
import os
import sys
import traceback
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import date
from pathlib import Path
from typing import IO, Any, TypeVar

import click
import orjson

from iqcore._version import __version__
from iqcore.cli import (
    EXIT_CONFIG,
    EXIT_INPUT,
    EXIT_INTERNAL,
    EXIT_INTERRUPTED,
    EXIT_NOT_FOUND,
    EXIT_OK,
    EXIT_PLUGIN,
    EXIT_STORAGE,
    EXIT_USAGE,
)
from iqcore.errors import (
    ConfigurationError,
    IqcoreError,
    NotFound,
    PluginError,
    Problem,
    RuleConflict,
    StorageError,
    ValidationError,
)

__all__ = ["cli"]

F = TypeVar("F", bound=Callable[..., Any])

EXIT_CODES_HELP = """\b
Exit codes:
  0    success
  2    usage error (unknown command or option, missing argument or file)
  3    bad input (every problem listed with its path)
  4    not found (an occupation, network, type or record that does not exist)
  5    storage problem (nothing half-written)
  6    plugin problem
  7    configuration problem (unknown store scheme, missing extra)
  70   internal error (a bug; --debug shows the traceback)
  130  interrupted"""


# --------------------------------------------------------------------------------------------
# Errors and exit codes
# --------------------------------------------------------------------------------------------


def _exit_code(exc: IqcoreError) -> tuple[int, str]:
    if isinstance(exc, ValidationError):
        return EXIT_INPUT, "input"
    if isinstance(exc, NotFound):
        return EXIT_NOT_FOUND, "not_found"
    if isinstance(exc, StorageError):
        return EXIT_STORAGE, "storage"
    if isinstance(exc, PluginError | RuleConflict):
        return EXIT_PLUGIN, "plugin"
    if isinstance(exc, ConfigurationError):
        return EXIT_CONFIG, "configuration"
    return EXIT_INPUT, "input"


def _report_error(exc: IqcoreError, *, as_json: bool) -> int:
    code, kind = _exit_code(exc)
    problems: tuple[Problem, ...] = exc.problems if isinstance(exc, ValidationError) else ()
    if isinstance(exc, ValidationError):
        head = f"invalid {exc.type_name or 'input'}: {len(problems)} problem(s)"
    else:
        head = str(exc)
    if as_json:
        doc = {
            "iqcore": __version__,
            "error": {
                "kind": kind,
                "exit_code": code,
                "message": head,
                "problems": [
                    {"path": p.path, "code": p.code, "message": p.message} for p in problems
                ],
            },
        }
        click.echo(orjson.dumps(doc).decode(), err=True)
        return code
    click.echo(f"iqcore: error: {head}", err=True)
    for p in problems[:50]:
        click.echo(f"  {p.path}: {p.message} [{p.code}]", err=True)
    if len(problems) > 50:
        click.echo(f"  … and {len(problems) - 50} more", err=True)
    return code


class _Iqcore(click.Group):
    """The top-level group: maps errors to exit codes and one message on stderr."""

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        argv = list(sys.argv[1:] if args is None else args)
        debug = "--debug" in argv or os.environ.get("IQCORE_DEBUG") == "1"
        as_json = (
            "--json" in argv
            or "--format=json" in argv
            or any(a == "--format" and b == "json" for a, b in itertools.pairwise(argv))
        )
        try:
            rv = super().main(
                argv, prog_name or "iqcore", complete_var, standalone_mode=False, **extra
            )
            code = rv if isinstance(rv, int) else EXIT_OK
        except click.exceptions.Exit as exc:
            code = exc.exit_code
        except click.exceptions.Abort:
            click.echo("iqcore: interrupted", err=True)
            code = EXIT_INTERRUPTED
        except click.ClickException as exc:
            exc.show()
            code = exc.exit_code if exc.exit_code else EXIT_USAGE
        except KeyboardInterrupt:
            click.echo("iqcore: interrupted", err=True)
            code = EXIT_INTERRUPTED
        except IqcoreError as exc:
            if debug:
                traceback.print_exc()
            code = _report_error(exc, as_json=as_json)
        except Exception as exc:
            if debug:
                traceback.print_exc()
            click.echo(
                f"iqcore: internal error ({type(exc).__name__}); this is a bug in iqcore. "
                "Run again with --debug for the traceback.",
                err=True,
            )
            code = EXIT_INTERNAL
        if standalone_mode:
            sys.exit(code)
        return code


# --------------------------------------------------------------------------------------------
# Output helpers
# --------------------------------------------------------------------------------------------


def _console(*, stderr: bool = False) -> Any:
    from rich.console import Console

    width = None if sys.stdout.isatty() else 120
    return Console(stderr=stderr, highlight=False, soft_wrap=False, width=width)


def _rich_table(title: str | None, header: Sequence[str], rows: Iterable[Sequence[str]]) -> Any:
    from rich.table import Table

    table = Table(title=title, title_justify="left", show_lines=False)
    for h in header:
        table.add_column(h, overflow="fold")
    for r in rows:
        table.add_row(*r)
    return table


def _emit_json(command: str, body: dict[str, Any]) -> None:
    doc = {"iqcore": __version__, "command": command, **body}
    click.echo(orjson.dumps(doc, option=orjson.OPT_INDENT_2).decode())


def _json_option(f: F) -> F:
    return click.option(
        "--json", "as_json", is_flag=True, help="Print one JSON document (stable layout)."
    )(f)


def _date(value: str | None, name: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValidationError(
            [Problem(f"--{name}", "format", "must be a date YYYY-MM-DD")]
        ) from None


def _lang_option(f: F) -> F:
    return click.option(
        "--lang",
        type=click.Choice(["de", "en"]),
        default="en",
        show_default=True,
        help="Language of explanations and reasons.",
    )(f)


# --------------------------------------------------------------------------------------------
# Shared look-ups
# --------------------------------------------------------------------------------------------


@functools.cache
def _host() -> Any:
    from iqcore.plugins import default_host

    return default_host()


def _occupation(occupation_id: str) -> Any:
    """A reference occupation by id: a plugin's (if the host knows it), else a shipped one."""
    host = _host()
    finder = getattr(host, "occupation", None)
    if callable(finder):
        try:
            return finder(occupation_id)
        except (NotFound, KeyError, LookupError):
            pass
    from iqcore import reference_data

    return reference_data.occupation(occupation_id)


def _check_cases(cases: Sequence[Any]) -> None:
    """Every unknown occupation or network of the input, at once, as input problems."""
    problems: list[Problem] = []
    for i, case in enumerate(cases):
        try:
            _occupation(case.occupation)
        except NotFound:
            problems.append(
                Problem(f"$[{i}].occupation", "not_found", "no reference occupation with this id")
            )
        if case.network is not None and _host().network_state(case.network) is None:
            problems.append(
                Problem(f"$[{i}].network", "not_found", "no regional network with this id")
            )
    if problems:
        raise ValidationError(problems, type_name="CaseInput")


def _read_cases(path: Path, as_of: str | None, network: str | None) -> list[Any]:
    import attrs

    from iqcore.cli.cases import CaseInput, read_documents

    cases = read_documents(path, CaseInput)
    day = _date(as_of, "as-of")
    if day is not None or network is not None:
        changes: dict[str, Any] = {}
        if day is not None:
            changes["as_of"] = day
        if network is not None:
            changes["network"] = network
        cases = [attrs.evolve(c, **changes) for c in cases]
    _check_cases(cases)
    return cases


def _assess(case: Any) -> Any:
    from iqcore.rules.engine import assess

    return assess(
        case.qualification,
        _occupation(case.occupation),
        applicant=case.applicant,
        as_of=case.as_of,
        network=case.network,
        host=_host(),
    )


def _value(x: Any) -> Any:
    return None if x is None else getattr(x, "value", x)


def _assessment_summary(case_id: str, a: Any) -> dict[str, Any]:
    return {
        "case": case_id,
        "occupation": a.occupation_id,
        "regulated": a.regulated,
        "as_of": a.as_of.isoformat(),
        "network": a.network_id,
        "state": _value(a.state),
        "outcome": _value(a.outcome),
        "route": _value(a.route),
        "remaining": [d.area for d in a.remaining],
        "compensated": [d.area for d in a.compensated],
        "measures": sorted(m.value for m in a.permitted_measures),
        "licensing_gaps": [
            {"language": c.language, "scope": c.scope.value, "required": c.required.value}
            for c in a.licensing_gaps
        ],
        "next_steps": [s.kind.value for s in a.next_steps],
    }


# --------------------------------------------------------------------------------------------
# The group
# --------------------------------------------------------------------------------------------


@click.group(
    name="iqcore",
    cls=_Iqcore,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
    epilog=EXIT_CODES_HELP,
)
@click.version_option(__version__, "--version", prog_name="iqcore", message="%(prog)s %(version)s")
@click.option("--debug", is_flag=True, help="Show the traceback of an error.")
def cli(debug: bool) -> None:
    """iqcore: pre-assess foreign qualifications, plan training and report for the IQ networks.

    iqcore pre-assesses; competent authorities decide. Start with the demo, which assesses,
    plans and stores the bundled synthetic cases and prints a report:

    \b
      iqcore demo
      iqcore assess cases.jsonl --explain --lang de
      iqcore report --demo --by year --chart outcomes.png
    """


# --------------------------------------------------------------------------------------------
# demo
# --------------------------------------------------------------------------------------------


@cli.command()
@click.option("--store", "url", help="Store URL (default: the demo's own SQLite file).")
@click.option("--files", is_flag=True, help="Print the paths of the bundled data files and stop.")
@click.option("--no-report", is_flag=True, help="Do not print the report after the summary.")
@_json_option
def demo(url: str | None, files: bool, no_report: bool, as_json: bool) -> None:
    """Run the main job on the bundled synthetic cases.

    Loads 120 synthetic cases (pseudonymous, across eight networks and ten occupations),
    pre-assesses each, plans training with a synthetic catalogue, derives applications and
    notices, stores everything (SQLite by default, one network at a time) and prints a summary
    and a report. Re-running makes the demo's own file anew; another --store gets upserts.

    \b
    Examples:
      iqcore demo
      iqcore demo --store sqlite:///tmp/demo.sqlite3
      iqcore demo --files            # where the bundled cases are, for iqcore assess
      iqcore demo --json

    JSON: {"iqcore", "command": "demo", "store", "cases", "networks", "records",
    "prognoses": {outcome: count}, "with_plan", "unclosable", "decisions", "seconds",
    "report": <table>}.
    """
    from iqcore import demo as demo_module

    if files:
        paths = {k: str(v) for k, v in demo_module.data_files().items()}
        if as_json:
            _emit_json("demo", {"files": paths})
        else:
            for name, path in paths.items():
                click.echo(f"{name}\t{path}")
        return
    err = _console(stderr=True)
    progress = _progress_bar(err, "assessing and planning") if err.is_terminal else None
    with progress or _null_progress() as bar:
        summary = demo_module.run(url, progress=bar)
    from iqcore.reporting import collect, outcome_table
    from iqcore.storage import open_store

    store = open_store(summary.url, network=None, role="demo")
    try:
        data = collect(store)
    finally:
        store.close()
    table = outcome_table(data.facts, "network")
    if as_json:
        _emit_json(
            "demo",
            {
                "store": summary.url,
                "cases": summary.cases,
                "networks": list(summary.networks),
                "records": summary.records,
                "prognoses": summary.prognoses,
                "with_plan": summary.with_plan,
                "unclosable": summary.unclosable,
                "decisions": summary.decisions,
                "seconds": round(summary.seconds, 3),
                "report": table.to_dict(),
            },
        )
        return
    out = _console()
    out.print("[bold]iqcore demo[/bold]: synthetic cases, pre-assessed and planned")
    rows = [
        ("cases assessed", str(summary.cases)),
        ("networks", ", ".join(summary.networks)),
        *((f"  prognosis {k}", str(v)) for k, v in summary.prognoses.items()),
        ("cases with a training plan", str(summary.with_plan)),
        ("cases with a difference no scheme closes", str(summary.unclosable)),
        ("synthetic notices (decisions)", str(summary.decisions)),
        ("records stored", str(summary.records)),
        ("store", summary.url),
        ("time", f"{summary.seconds:.1f} s"),
    ]
    out.print(_rich_table("Summary", ("what", "how many"), rows))
    if not no_report:
        _print_table(out, table)
    out.print(
        "Next: [bold]iqcore report --demo --by year --chart outcomes.png[/bold], "
        "[bold]iqcore network-map rin-leipzig[/bold], "
        "[bold]iqcore demo --files[/bold] (the case files for iqcore assess)."
    )


class _null_progress:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        return None


class _progress_bar:
    """A rich progress bar on stderr; called as ``bar(done, total)``."""

    def __init__(self, console: Any, what: str) -> None:
        from rich.progress import Progress

        self._progress = Progress(console=console, transient=True)
        self._what = what
        self._task: Any = None

    def __enter__(self) -> Callable[[int, int], None]:
        self._progress.start()
        self._task = self._progress.add_task(self._what, total=None)

        def update(done: int, total: int) -> None:
            self._progress.update(self._task, completed=done, total=total)

        return update

    def __exit__(self, *exc: object) -> None:
        self._progress.stop()


def _print_table(out: Any, table: Any) -> None:
    header = ["%" if h.endswith("_share") else h.replace("_", " ") for h in table.header]
    rows = [[label, *(c.text() for c in cells)] for label, cells in table.rows]
    rows.append(["total", *(c.text() for c in table.total)])
    rich = _rich_table(table.title, header, rows)
    out.print(rich)
    for note in table.notes:
        out.print(f"  {note}")


# --------------------------------------------------------------------------------------------
# assess / plan
# --------------------------------------------------------------------------------------------

_CASE_HELP = (
    "FILE holds case documents: one JSON object, a JSON array or JSON Lines "
    "(iqcore schema Case shows the layout)."
)


@cli.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--as-of", help="Assess as of this date (YYYY-MM-DD) instead of each case's.")
@click.option("--network", help="Assess for this regional network instead of each case's.")
@click.option("--explain", is_flag=True, help="Print the plain-language explanation of each.")
@_lang_option
@_json_option
def assess(
    file: Path, as_of: str | None, network: str | None, explain: bool, lang: str, as_json: bool
) -> None:
    """Pre-assess cases: outcome, route, differences, measures, licensing, next steps.

    FILE holds case documents: one JSON object, a JSON array or JSON Lines (iqcore schema
    Case shows the layout). Every problem of every document is reported at once.

    \b
    Examples:
      iqcore assess cases.jsonl
      iqcore assess case.json --explain --lang de
      iqcore assess cases.jsonl --as-of 2024-01-01 --network iq-nrw-west --json

    JSON: {"iqcore", "command": "assess", "results": [{"case", "occupation", "regulated",
    "as_of", "network", "state", "outcome", "route", "remaining", "compensated", "measures",
    "licensing_gaps", "next_steps", "explanation" (with --explain, else null),
    "assessment" (the full Assessment document)}]}.
    """
    from iqcore.serialization import to_dict

    cases = _read_cases(file, as_of, network)
    results = [(case, _assess(case)) for case in cases]
    if as_json:
        _emit_json(
            "assess",
            {
                "results": [
                    {
                        **_assessment_summary(case.id, a),
                        "explanation": a.explain(lang) if explain else None,
                        "assessment": to_dict(a),
                    }
                    for case, a in results
                ]
            },
        )
        return
    out = _console()
    rows = [
        (
            case.id,
            a.occupation_id,
            _value(a.outcome) or "-",
            _value(a.route) or "-",
            ", ".join(d.area for d in a.remaining) or "-",
            ", ".join(sorted(m.value for m in a.permitted_measures)) or "-",
        )
        for case, a in results
    ]
    out.print(
        _rich_table(
            f"Pre-assessments ({len(rows)})",
            ("case", "occupation", "outcome", "route", "remaining differences", "measures"),
            rows,
        )
    )
    if explain:
        for case, a in results:
            out.rule(case.id)
            out.print(a.explain(lang), markup=False)


def _catalogue(choice: str | None) -> tuple[tuple[Any, ...], str]:
    """The schemes to plan with, and what they are: a file, ``registered`` (the schemes
    plugins registered) or ``demo`` (the bundled synthetic catalogue)."""
    from iqcore import demo as demo_module
    from iqcore.cli.cases import read_documents
    from iqcore.model.training import TrainingScheme

    if choice is None:
        finder = getattr(_host(), "training_schemes", None)
        registered = tuple(finder()) if callable(finder) else ()
        return (registered, "registered") if registered else (demo_module.catalogue(), "demo")
    if choice == "demo":
        return demo_module.catalogue(), "demo"
    if choice == "registered":
        finder = getattr(_host(), "training_schemes", None)
        return (tuple(finder()) if callable(finder) else ()), "registered"
    path = Path(choice)
    if not path.is_file():
        raise click.BadParameter("no such file", param_hint="--catalogue")
    return tuple(read_documents(path, TrainingScheme)), str(path)


@cli.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--catalogue",
    metavar="FILE|registered|demo",
    help="Training schemes: a file (JSON array or JSON Lines), 'registered' (the schemes of "
    "the installed plugins) or 'demo' (the bundled synthetic catalogue). Default: registered, "
    "or demo if no plugin registers any.",
)
@click.option("--start", help="First day a step may start (default: each case's as-of date).")
@click.option("--limit", type=click.IntRange(1, 20), default=3, show_default=True)
@click.option(
    "--objective",
    type=click.Choice(["earliest", "fewest_hours"]),
    default="earliest",
    show_default=True,
)
@click.option("--as-of", help="Assess as of this date (YYYY-MM-DD) instead of each case's.")
@click.option("--network", help="Plan for this regional network instead of each case's.")
@_lang_option
@_json_option
def plan(
    file: Path,
    catalogue: str | None,
    start: str | None,
    limit: int,
    objective: str,
    as_of: str | None,
    network: str | None,
    lang: str,
    as_json: bool,
) -> None:
    """Plan training that closes the remaining differences of each case.

    Each case is pre-assessed first; the plans then close its remaining substantial
    differences with schemes of the catalogue (only what the measure needs, language courses
    first where a scheme needs a level the applicant lacks), best first. A note on stderr
    says which catalogue was used.

    \b
    Examples:
      iqcore plan cases.jsonl --catalogue demo
      iqcore plan case.json --catalogue schemes.jsonl --objective fewest_hours --lang de
      iqcore plan cases.jsonl --start 2024-09-01 --json

    JSON: {"iqcore", "command": "plan", "catalogue": "demo"|"registered"|FILE, "results": [{"case",
    "outcome", "remaining", "unclosable": [{"area", "reason"}], "plans": [{"rank", "complete",
    "starts_on", "completion", "duration_days", "hours", "reason", "steps": [{"kind",
    "scheme", "title", "modules", "starts_on", "ends_on", "closes"}]}]}]}.
    """
    from iqcore.planning import Catalogue
    from iqcore.planning import plan as make_plans

    cases = _read_cases(file, as_of, network)
    schemes, which = _catalogue(catalogue)
    if not as_json:
        what = {
            "demo": "the bundled synthetic demo catalogue",
            "registered": "the schemes registered by plugins",
        }.get(which, which)
        click.echo(f"iqcore: note: planning with {what} ({len(schemes)} schemes)", err=True)
    index = Catalogue(schemes)
    first_day = _date(start, "start")
    results = []
    for case in cases:
        a = _assess(case)
        plans = make_plans(
            a,
            case.applicant,
            index,
            network=case.network,
            start=first_day or case.as_of,
            limit=limit,
            objective=objective,
        )
        results.append((case, a, plans))
    if as_json:
        _emit_json(
            "plan",
            {
                "catalogue": which,
                "results": [_plan_doc(case, a, plans, lang) for case, a, plans in results],
            },
        )
        return
    out = _console()
    for case, a, plans in results:
        out.rule(f"{case.id}: {a.occupation_id}, {_value(a.outcome) or 'no outcome'}")
        if not a.remaining:
            out.print("No remaining substantial difference: nothing to plan.")
            continue
        out.print("Remaining differences: " + ", ".join(d.area for d in a.remaining))
        for u in plans.unclosable:
            out.print(f"  not closable: {u.area} ({u.text(lang)})", markup=False)
        for p in plans:
            rows = [
                (
                    s.kind.value,
                    s.scheme.id,
                    ", ".join(m.id for m in s.modules),
                    s.starts_on.isoformat(),
                    s.ends_on.isoformat(),
                    ", ".join(s.closes) or "-",
                )
                for s in p.steps
            ]
            out.print(
                _rich_table(
                    f"Plan {p.rank}: {p.reason(lang)}",
                    ("step", "scheme", "modules", "starts", "ends", "closes"),
                    rows,
                )
            )


def _plan_doc(case: Any, a: Any, plans: Any, lang: str) -> dict[str, Any]:
    return {
        "case": case.id,
        "outcome": _value(a.outcome),
        "remaining": [d.area for d in a.remaining],
        "unclosable": [{"area": u.area, "reason": u.reason.value} for u in plans.unclosable],
        "plans": [
            {
                "rank": p.rank,
                "complete": p.complete,
                "starts_on": p.starts_on.isoformat(),
                "completion": p.completion.isoformat(),
                "duration_days": p.duration_days,
                "hours": p.hours,
                "reason": p.reason(lang),
                "steps": [
                    {
                        "kind": s.kind.value,
                        "scheme": s.scheme.id,
                        "title": s.scheme.title,
                        "modules": [m.id for m in s.modules],
                        "starts_on": s.starts_on.isoformat(),
                        "ends_on": s.ends_on.isoformat(),
                        "closes": list(s.closes),
                    }
                    for s in p.steps
                ],
            }
            for p in plans
        ],
    }


# --------------------------------------------------------------------------------------------
# occupations / authority
# --------------------------------------------------------------------------------------------


@cli.group()
def occupations() -> None:
    """Look up German reference occupations.

    \b
    Examples:
      iqcore occupations search arzt
      iqcore occupations search "electronics technician" --json
    """


@occupations.command("search")
@click.argument("text")
@_json_option
def occupations_search(text: str, as_json: bool) -> None:
    """Find reference occupations by German or English title (case and accents ignored).

    \b
    Examples:
      iqcore occupations search pflege
      iqcore occupations search "Ärztin"

    JSON: {"iqcore", "command": "occupations search", "query", "occupations": [{"id",
    "title_de", "title_en", "regulated", "law", "kldb", "sectoral"}]} (best match first).
    Finding nothing is not an error (an empty list, exit code 0).
    """
    from iqcore import reference_data

    found = reference_data.find_occupations(text)
    docs = [
        {
            "id": o.id,
            "title_de": o.title_de,
            "title_en": o.title_en,
            "regulated": o.regulated,
            "law": o.law.value,
            "kldb": None if o.kldb is None else o.kldb.code,
            "sectoral": _value(o.sectoral),
        }
        for o in found
    ]
    if as_json:
        _emit_json("occupations search", {"query": text, "occupations": docs})
        return
    if not docs:
        click.echo("No reference occupation matches.", err=True)
        return
    rows = [
        (
            d["id"],
            d["title_de"],
            d["title_en"],
            "regulated" if d["regulated"] else "non-regulated",
            d["law"].lower(),
            d["kldb"] or "-",
        )
        for d in docs
    ]
    _console().print(
        _rich_table(
            f"Reference occupations ({len(rows)})",
            ("id", "German title", "English title", "regulation", "law", "KldB"),
            rows,
        )
    )


def _resolve_occupation(text: str) -> Any:
    try:
        return _occupation(text)
    except NotFound:
        pass
    from iqcore import reference_data

    found = reference_data.find_occupations(text)
    if not found:
        raise NotFound("no reference occupation with this id or title")
    return found[0]


@cli.command()
@click.argument("occupation")
@click.option("--network", required=True, help="The regional network (its Land decides).")
@_json_option
def authority(occupation: str, network: str, as_json: bool) -> None:
    """Which competent authority decides on recognition for an occupation in a network.

    OCCUPATION is a reference occupation id or title (the best match is used and named).
    Authorities of the network's Land come first, then nationwide bodies; plugins can
    answer for their Land.

    \b
    Examples:
      iqcore authority nurse --network iq-by
      iqcore authority "Ingenieur" --network iq-nrw-west --json

    JSON: {"iqcore", "command": "authority", "occupation", "network", "state",
    "authorities": [{"id", "name", "kind", "states", "website", "note"}]}.
    """
    occ = _resolve_occupation(occupation)
    state = _host().network_state(network)
    if state is None:
        raise NotFound("no regional network with this id")
    found = _authorities(occ, state, network)
    docs = [
        {
            "id": a.id,
            "name": a.name,
            "kind": a.kind.value,
            "states": sorted(s.value for s in a.states),
            "website": a.website,
            "note": a.note,
        }
        for a in found
    ]
    if as_json:
        _emit_json(
            "authority",
            {"occupation": occ.id, "network": network, "state": state.value, "authorities": docs},
        )
        return
    out = _console()
    out.print(f"{occ.title_en} ({occ.id}) in {network} ({state.name_en})")
    if not docs:
        raise NotFound("no competent authority is known for this occupation in this Land")
    rows = [
        (d["name"], d["kind"], ", ".join(d["states"]) or "nationwide", d["note"] or "")
        for d in docs
    ]
    out.print(_rich_table("Competent authorities", ("name", "kind", "Länder", "note"), rows))


def _authorities(occ: Any, state: Any, network: str) -> list[Any]:
    """The plugin host's answer (plugins first, the shipped data last), or the shipped data's
    where the host has no authority look-up."""
    finder = getattr(_host(), "find_authority", None)
    if callable(finder):
        return list(finder(occ, network=network))
    from iqcore import reference_data

    return list(reference_data.find_authority(occ.id, state))


# --------------------------------------------------------------------------------------------
# validate / schema
# --------------------------------------------------------------------------------------------


def _types() -> dict[str, type]:
    from iqcore.cli.cases import CaseInput
    from iqcore.model import TOP_LEVEL_TYPES
    from iqcore.reporting import StaffTraining

    out: dict[str, type] = {"Case": CaseInput, "StaffTraining": StaffTraining}
    out.update({t.__name__: t for t in TOP_LEVEL_TYPES})
    return out


def _type_named(name: str) -> type:
    types = _types()
    if name not in types:
        raise NotFound("unknown document type; iqcore schema --list names them")
    return types[name]


@cli.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--type", "type_name", default="Case", show_default=True, help="Document type to expect."
)
@_json_option
def validate(file: Path, type_name: str, as_json: bool) -> None:
    """Check documents against the model's rules without doing anything else.

    FILE holds one JSON object, a JSON array or JSON Lines. Every problem of every document is
    listed with its path (exit code 3); a valid file gives exit code 0.

    \b
    Examples:
      iqcore validate cases.jsonl
      iqcore validate notices.json --type Decision --json

    JSON: {"iqcore", "command": "validate", "type", "documents", "valid": true}; problems go
    to stderr as {"iqcore", "error": {"kind": "input", "exit_code": 3, "message",
    "problems": [{"path", "code", "message"}]}}.
    """
    from iqcore.cli.cases import read_documents

    cls = _type_named(type_name)
    docs: list[Any] = read_documents(file, cls)
    if as_json:
        _emit_json("validate", {"type": type_name, "documents": len(docs), "valid": True})
    else:
        click.echo(f"ok: {len(docs)} valid {type_name} document(s)")


@cli.command()
@click.argument("type_name", metavar="TYPE", required=False)
@click.option("--list", "list_types", is_flag=True, help="List the document types.")
def schema(type_name: str | None, list_types: bool) -> None:
    """Print the JSON Schema (draft 2020-12) of a document type.

    \b
    Examples:
      iqcore schema Case
      iqcore schema ForeignQualification > qualification.schema.json
      iqcore schema --list
    """
    from iqcore.serialization import json_schema

    if list_types or type_name is None:
        for name in sorted(_types()):
            click.echo(name)
        return
    doc = json_schema(_type_named(type_name))
    click.echo(orjson.dumps(doc, option=orjson.OPT_INDENT_2).decode())


# --------------------------------------------------------------------------------------------
# plugins
# --------------------------------------------------------------------------------------------


@cli.command()
@_json_option
def plugins(as_json: bool) -> None:
    """List the plugins: name, distribution, version and the hooks each implements.

    \b
    Examples:
      iqcore plugins
      IQCORE_DISABLE_PLUGINS=postgres iqcore plugins --json

    JSON: {"iqcore", "command": "plugins", "plugins": [{"name", "distribution", "version",
    "source", "hooks", "failed"}]} ("failed": the error of a plugin that failed, else null).
    """
    host = _host()
    docs: list[dict[str, Any]] = []
    if callable(host.plugins):  # the host's own summaries (with source and failures)
        for p in host.plugins():
            docs.append(
                {
                    "name": p.name,
                    "distribution": p.distribution,
                    "version": p.version,
                    "source": p.source,
                    "hooks": list(p.hooks),
                    "failed": p.failed,
                }
            )
    else:
        pm = host.plugin_manager
        for info in host.plugins:
            callers = pm.get_hookcallers(pm.get_plugin(info.name)) or []
            docs.append(
                {
                    "name": info.name,
                    "distribution": info.distribution,
                    "version": info.version,
                    "source": None,
                    "hooks": sorted(c.name for c in callers),
                    "failed": None,
                }
            )
    if as_json:
        _emit_json("plugins", {"plugins": docs})
        return
    rows = [
        (
            d["name"],
            d["distribution"] or "-",
            d["version"] or "-",
            d["source"] or "-",
            "\n".join(h.removeprefix("iqcore_") for h in d["hooks"])
            + (f"\nFAILED: {d['failed']}" if d["failed"] else ""),
        )
        for d in docs
    ]
    _console().print(
        _rich_table("Plugins", ("name", "distribution", "version", "source", "hooks"), rows)
    )


# --------------------------------------------------------------------------------------------
# import / export
# --------------------------------------------------------------------------------------------


def _store_option(f: F) -> F:
    return click.option(
        "--store",
        "url",
        envvar="IQCORE_STORE",
        default="sqlite://",
        show_default=True,
        help="Store URL (or $IQCORE_STORE): sqlite://, sqlite:///path, postgresql://…",
    )(f)


def _register_kinds() -> None:
    """Register the record kinds of the command line and the reports (case results,
    subprojects, staff trainings, workshops) besides the model's own."""
    import iqcore.cli.cases
    import iqcore.reporting  # noqa: F401


def _parse_lines(data: bytes) -> Iterator[tuple[int, Any]]:
    for number, line in enumerate(data.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            yield number, orjson.loads(line)
        except orjson.JSONDecodeError:
            yield number, None


def _read_export_lines(path: Path, network: str | None) -> dict[str, list[object]]:
    """Records of an export file by network; every problem of every line at once."""
    from iqcore.serialization import from_dict
    from iqcore.storage import kind_named

    problems: list[Problem] = []
    by_network: dict[str, list[object]] = {}
    for number, doc in _parse_lines(path.read_bytes()):
        place = f"line {number}: $"
        if not isinstance(doc, dict):
            problems.append(Problem(place, "json", "must be a JSON object on one line"))
            continue
        unknown = set(doc) - {"kind", "network", "record"}
        if unknown:
            problems.append(
                Problem(place, "unknown_key", "has a key other than kind, network, record")
            )
        try:
            kind = kind_named(str(doc.get("kind")))
        except ConfigurationError:
            problems.append(Problem(place + ".kind", "enum", "not a registered record kind"))
            continue
        net = network or doc.get("network")
        if not isinstance(net, str):
            problems.append(
                Problem(place + ".network", "missing", "needs a network (or give --network)")
            )
            continue
        record = doc.get("record")
        if not isinstance(record, dict):
            problems.append(Problem(place + ".record", "type", "must be a JSON object"))
            continue
        try:
            obj = from_dict(record, kind.cls)
        except ValidationError as exc:
            problems.extend(
                Problem(place + ".record" + p.path[1:], p.code, p.message) for p in exc.problems
            )
            continue
        by_network.setdefault(net, []).append(obj)
    if problems:
        raise ValidationError(problems, type_name="export line")
    return by_network


@cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@_store_option
@click.option("--network", help="Import every line into this network (overrides the lines').")
@click.option(
    "--chunk-size",
    type=click.IntRange(1, 100_000),
    default=500,
    show_default=True,
    help="Records per transaction.",
)
@_json_option
def import_(file: Path, url: str, network: str | None, chunk_size: int, as_json: bool) -> None:
    """Import JSON Lines (as iqcore export writes them) into a store.

    Each line is {"kind": "migrant", "network": "iq-be", "record": {...}}. The whole file is
    checked first (every problem at once, nothing written); then records are written in
    transactions of --chunk-size records, so an interruption leaves whole chunks, never a
    half-written record; re-running the import is safe (records are upserted by id).

    \b
    Examples:
      iqcore import records.jsonl --store sqlite:///var/lib/iqcore/iq.sqlite3
      iqcore import records.jsonl --store sqlite:copy.sqlite3 --network iq-be --chunk-size 1000

    JSON: {"iqcore", "command": "import", "store", "records", "networks": {network: count}}.
    """
    from iqcore.storage import open_store

    _register_kinds()
    by_network = _read_export_lines(file, network)
    total = sum(len(v) for v in by_network.values())
    err = _console(stderr=True)
    counts: dict[str, int] = {}
    done_before = 0
    with _progress_bar(err, "importing") if err.is_terminal else _null_progress() as bar:
        for net in sorted(by_network):
            store = open_store(url, network=net, role="import-job")
            try:
                base = done_before

                def report(n: int, base: int = base) -> None:
                    if bar is not None:
                        bar(base + n, total)

                counts[net] = store.put_many(
                    by_network[net], progress=report, chunk_size=chunk_size
                )
            finally:
                store.close()
            done_before += counts[net]
    if as_json:
        _emit_json("import", {"store": url, "records": total, "networks": counts})
    else:
        click.echo(f"imported {total} record(s) into {len(counts)} network(s)")


def _known_networks(url: str) -> list[str]:
    """Networks to export when none is given: shipped ones and those of stored cases."""
    from iqcore import reference_data
    from iqcore.model.cases import CounsellingCase
    from iqcore.storage import open_store

    names = {n.id for n in reference_data.networks()}
    store = open_store(url, network=None, role="export-job")
    try:
        names |= {c.network_id for c in store.find(CounsellingCase)}
    except StorageError:
        pass
    finally:
        store.close()
    return sorted(names)


@cli.command()
@_store_option
@click.option("--network", "networks", multiple=True, help="Network to export (repeatable).")
@click.option("--kind", "kinds", multiple=True, help="Record kind to export (repeatable).")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="Write to this file instead of stdout.",
)
def export(
    url: str, networks: tuple[str, ...], kinds: tuple[str, ...], output: Path | None
) -> None:
    """Export the records of a store as JSON Lines (one record per line).

    Each line is {"kind", "network", "record"}; iqcore import reads it back into any store.
    Without --network every shipped network and every network with stored cases is exported.

    \b
    Examples:
      iqcore export --store sqlite:///var/lib/iqcore/iq.sqlite3 -o records.jsonl
      iqcore export --network iq-be --kind migrant --kind counselling_case
    """
    from iqcore.serialization import to_dict
    from iqcore.storage import kind_named, open_store, record_kinds

    _register_kinds()
    try:
        chosen = [kind_named(k) for k in kinds] if kinds else list(record_kinds())
    except ConfigurationError:
        raise NotFound("unknown record kind") from None
    names = list(networks) or _known_networks(url)
    target: IO[bytes]
    target = output.open("wb") if output is not None else sys.stdout.buffer
    count = 0
    try:
        for net in names:
            store = open_store(url, network=net, role="export-job")
            try:
                for kind in chosen:
                    for obj in store.find(kind.cls):
                        line = {"kind": kind.name, "network": net, "record": to_dict(obj)}
                        target.write(orjson.dumps(line) + b"\n")
                        count += 1
            finally:
                store.close()
    finally:
        if output is not None:
            target.close()
        else:
            target.flush()
    click.echo(f"exported {count} record(s)", err=True)


# --------------------------------------------------------------------------------------------
# report
# --------------------------------------------------------------------------------------------

_DIMENSIONS = [
    "network",
    "state",
    "phase",
    "priority_area",
    "country",
    "occupation",
    "year",
    "quarter",
]


@cli.command()
@click.option("--store", "url", envvar="IQCORE_STORE", help="Store URL (or $IQCORE_STORE).")
@click.option("--demo", "use_demo", is_flag=True, help="Report on the store iqcore demo wrote.")
@click.option("--network", help="Only this network's records (default: every network).")
@click.option(
    "--by",
    "dims",
    multiple=True,
    type=click.Choice(_DIMENSIONS),
    help="Group outcomes by this (repeatable; default: network).",
)
@click.option(
    "--institutional",
    type=click.Choice(["organisation_kind", "network", "none"]),
    default="organisation_kind",
    show_default=True,
    help="Subprojects and staff trained, grouped by this.",
)
@click.option(
    "--source",
    type=click.Choice(["decisions", "assessments"]),
    default="decisions",
    show_default=True,
    help="Count the authorities' notices or iqcore's prognoses.",
)
@click.option(
    "--threshold",
    type=click.IntRange(1, 1000),
    default=5,
    show_default=True,
    help="Smallest count of persons shown.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "json", "markdown"]),
    default="table",
    show_default=True,
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="Write to this file instead of stdout.",
)
@click.option(
    "--chart",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="Also draw charts: FILE.png or FILE.svg (one per table; -<name> added if several).",
)
def report(
    url: str | None,
    use_demo: bool,
    network: str | None,
    dims: tuple[str, ...],
    institutional: str,
    source: str,
    threshold: int,
    fmt: str,
    output: Path | None,
    chart: Path | None,
) -> None:
    """Programme figures: outcomes and institutional work, with small cells suppressed.

    Outcomes (full, partial, compensation measure, none) with counts, shares and the median
    days from complete documents to decision, by network, Land, funding phase, priority area,
    country of training, occupation, year or quarter; and subprojects and staff trained by
    organisation kind or network. Counts of persons below --threshold are suppressed (shown
    as "."), with secondary suppression so that totals do not reveal them.

    \b
    Examples:
      iqcore report --demo
      iqcore report --demo --by year --by country --chart outcomes.png
      iqcore report --store sqlite:///var/lib/iqcore/iq.sqlite3 --network iq-be --format csv
      iqcore report --demo --format markdown -o report.md

    JSON (--format json): {"iqcore", "command": "report", "source", "threshold", "tables":
    [{"title", "dimension", "threshold", "columns", "rows": [{"group", <column>: value or
    null, "suppressed": [columns]}], "total", "notes"}]}.
    """
    from iqcore import reporting
    from iqcore.storage import open_store

    if use_demo:
        from iqcore import demo as demo_module

        url = demo_module.default_url()
    url = url or "sqlite://"
    store = open_store(url, network=network, role="report")
    try:
        data = reporting.collect(store, source=source)
    finally:
        store.close()
    tables = [
        reporting.outcome_table(data.facts, d, threshold=threshold) for d in (dims or ("network",))
    ]
    if institutional != "none":
        tables.append(
            reporting.institutional_table(
                data.subprojects, data.staff, institutional, threshold=threshold
            )
        )
    if fmt == "json":
        doc = {
            "iqcore": __version__,
            "command": "report",
            "source": source,
            "threshold": threshold,
            "tables": [t.to_dict() for t in tables],
        }
        text = orjson.dumps(doc, option=orjson.OPT_INDENT_2).decode() + "\n"
    elif fmt == "csv":
        text = "\n".join(t.to_csv() for t in tables)
    elif fmt == "markdown":
        text = "\n".join(t.to_markdown() for t in tables)
    else:
        text = ""
    if output is not None:
        output.write_text(text if fmt != "table" else "".join(t.to_text() for t in tables))
    elif fmt == "table":
        out = _console()
        for t in tables:
            _print_table(out, t)
    else:
        click.echo(text, nl=False)
    if chart is not None:
        for i, t in enumerate(tables):
            path = chart
            if len(tables) > 1:
                path = chart.with_name(f"{chart.stem}-{_chart_name(t, i)}{chart.suffix}")
            reporting.chart(t, path)
            click.echo(f"chart written: {path}", err=True)


def _chart_name(table: Any, i: int) -> str:
    kind = "institutional" if "staff_trained" in table.columns else "outcomes"
    return f"{kind}-{table.dimension.value}"


# --------------------------------------------------------------------------------------------
# network-map
# --------------------------------------------------------------------------------------------


@cli.command("network-map")
@click.argument("network")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["markdown", "csv"]),
    default="markdown",
    show_default=True,
)
@click.option("--store", "url", help="Also read regional workshops kept in this store.")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="Write to this file instead of stdout.",
)
def network_map(network: str, fmt: str, url: str | None, output: Path | None) -> None:
    """The interface document of a network's regional workshop: who does which step.

    For each step of labour-market integration, the partner organisations responsible, with
    their contact points (functions or teams, never people), and the workshop's organisers.
    The bundled demo data holds one example workshop, of rin-leipzig; --store adds workshops
    kept in a store.

    \b
    Examples:
      iqcore network-map rin-leipzig
      iqcore network-map rin-leipzig --format csv -o interfaces.csv
    """
    from iqcore import demo as demo_module

    found = list(demo_module.workshops(network))
    if url is not None:
        from iqcore.model.institutions import StakeholderNetwork
        from iqcore.storage import open_store

        store = open_store(url, network=network, role="report")
        try:
            stored = store.find(StakeholderNetwork)
        finally:
            store.close()
        found = [w for w in found if all(w.id != s.id for s in stored)] + stored
    if not found:
        raise NotFound("no regional workshop is known for this network")
    text = "\n".join(
        _workshop_markdown(w) if fmt == "markdown" else _workshop_csv(w) for w in found
    )
    if output is not None:
        output.write_text(text)
    else:
        click.echo(text, nl=False)


def _kind_text(kind: Any) -> str:
    return str(kind.value).replace("_", " ").lower()


def _workshop_markdown(w: Any) -> str:
    from iqcore.model.institutions import IntegrationStep

    organisers = [p for p in w.partners if p.organisation.id in w.organisers]
    lines = [
        f"# {w.name}",
        "",
        f"Network: {w.network_id}. Participants: {w.size}"
        + (" (more than the recommended 20-25)" if w.oversized else "")
        + ".",
        "Organisers: " + (", ".join(p.organisation.name for p in organisers) or "none") + ".",
        "",
        "## Who is responsible for which step",
        "",
        "| step | partner | kind | contact point |",
        "|---|---|---|---|",
    ]
    for step in IntegrationStep:
        for p in w.responsible_for(step):
            lines.append(
                f"| {_kind_text(step)} | {p.organisation.name} | "
                f"{_kind_text(p.organisation.kind)} | {p.contact_point} |"
            )
    uncovered = [s for s in IntegrationStep if not w.responsible_for(s)]
    lines += ["", "## Partners", "", "| partner | kind | steps | contact point | people |"]
    lines.append("|---|---|---|---|---:|")
    for p in w.partners:
        steps = ", ".join(_kind_text(s) for s in IntegrationStep if s in p.responsibilities)
        lines.append(
            f"| {p.organisation.name} | {_kind_text(p.organisation.kind)} | {steps} | "
            f"{p.contact_point} | {p.participants} |"
        )
    if uncovered:
        lines += ["", "Steps no partner is responsible for: "]
        lines[-1] += ", ".join(_kind_text(s) for s in uncovered) + "."
    return "\n".join(lines) + "\n"


def _workshop_csv(w: Any) -> str:
    import csv
    import io

    from iqcore.model.institutions import IntegrationStep

    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(
        [
            "workshop",
            "step",
            "organisation_id",
            "organisation",
            "kind",
            "contact_point",
            "organiser",
        ]
    )
    for step in IntegrationStep:
        for p in w.responsible_for(step):
            writer.writerow(
                [
                    w.id,
                    step.value,
                    p.organisation.id,
                    p.organisation.name,
                    p.organisation.kind.value,
                    p.contact_point,
                    "yes" if p.organisation.id in w.organisers else "no",
                ]
            )
    return buf.getvalue()
