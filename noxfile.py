"""Nox sessions for iqcore.

Default (``nox``): ``tests``, ``typecheck`` and ``lint``. Also: ``docs``, ``bench`` and ``demo``.
Each session builds its own virtualenv with the interpreter that runs nox (Python 3.11 or newer)
and installs iqcore from this checkout, so a fresh clone needs nothing but ``pip install nox``.
Arguments after ``--`` go to the session's tool, e.g. ``nox -s tests -- -k decision -n 0``.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import nox

ROOT = Path(__file__).parent

nox.needs_version = ">=2024.4"
nox.options.default_venv_backend = "uv" if shutil.which("uv") else "venv"
nox.options.sessions = ["tests", "typecheck", "lint"]
nox.options.error_on_missing_interpreters = True

#: What ``typecheck`` checks with ``mypy --strict``: both packages, the tests and the tooling.
TYPED_PATHS = ["src/iqcore", "src/iqcore_adapters", "tests", "noxfile.py", "docs/conf.py"]


@nox.session
def tests(session: nox.Session) -> None:
    """Run the whole pytest suite (slow tests included) on two worker processes.

    iqcore is installed from a built wheel, not in editable mode, so the tests also catch data
    files missing from the package.
    """
    session.install(".[dev]")
    session.run("pytest", "-n", "2", "--dist", "loadgroup", "--durations", "10", *session.posargs)


@nox.session
def typecheck(session: nox.Session) -> None:
    """``mypy --strict`` over iqcore, iqcore_adapters, the tests, this file and the docs config."""
    session.install(".[dev]")
    session.run("mypy", "--strict", *(session.posargs or TYPED_PATHS))


@nox.session
def lint(session: nox.Session) -> None:
    """``ruff check`` and ``ruff format --check`` over the whole repository."""
    session.install("ruff>=0.6")
    session.run("ruff", "check", *(session.posargs or ["."]))
    session.run("ruff", "format", "--check", *(session.posargs or ["."]))


@nox.session
def docs(session: nox.Session) -> None:
    """Build the HTML documentation with Sphinx; any warning is an error."""
    session.install(".[docs]")
    out = ROOT / "docs" / "_build" / "html"
    doctrees = ROOT / "docs" / "_build" / "doctrees"
    session.run(
        "sphinx-build", "-W", "--keep-going", "-b", "html", "-d", str(doctrees), "docs", str(out)
    )
    session.log(f"documentation written to {out.relative_to(ROOT)}/index.html")


@nox.session
def bench(session: nox.Session) -> None:
    """Run the ``bench/bench_*.py`` scripts. They print ratios; they are not tests.

    ``nox -s bench`` runs all of them; ``nox -s bench -- json --n 20000 --runs 1`` runs
    ``bench_json.py`` only, with those options (names first, then the script's own options).
    """
    args = list(session.posargs)
    names = []
    while args and not args[0].startswith("-"):
        names.append(args.pop(0))
    scripts = sorted(ROOT.glob("bench/bench_*.py"))
    if names:
        scripts = [s for s in scripts if s.stem.removeprefix("bench_") in names]
        if len(scripts) != len(names):
            session.error(f"unknown benchmark among {names}; see bench/bench_*.py")
    if not scripts:
        session.skip("no bench/bench_*.py scripts yet")
    session.install(".[bench]")
    for script in scripts:
        session.log(f"--- {script.relative_to(ROOT)}")
        session.run("python", str(script.relative_to(ROOT)), *args)


@nox.session
def demo(session: nox.Session) -> None:
    """Run the main job, ``iqcore demo``: assess, plan and store the bundled synthetic cases
    (SQLite), then print a summary and a report. Arguments go to ``iqcore demo``."""
    session.install(".[cli]")
    session.run("iqcore", "demo", *session.posargs)
