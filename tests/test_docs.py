"""The examples in the documentation run, and the documentation builds without warnings.

Every ``>>>`` example inside a fenced code block of ``README.md`` or of any ``docs/**/*.md`` page
is executed as a doctest, one namespace per page (so a page's examples can build on each
other). Pages added later are picked up without editing this file.
"""

from __future__ import annotations

import doctest
import io
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"

_FENCE_OPEN = re.compile(r"^(?P<indent> {0,3})(?P<fence>`{3,}|~{3,})")
_OPTIONS = doctest.ELLIPSIS


def markdown_pages() -> list[Path]:
    """README.md and every Markdown page of the docs (the build output excluded)."""
    pages = [p for p in sorted(DOCS.rglob("*.md")) if "_build" not in p.relative_to(DOCS).parts]
    return [ROOT / "README.md", *pages]


def fenced_blocks(text: str) -> Iterator[tuple[int, str]]:
    """Each fenced code block as (line index of its first content line, its content)."""
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        match = _FENCE_OPEN.match(lines[i])
        if match is None:
            i += 1
            continue
        fence, indent = match["fence"], len(match["indent"])
        closing = re.compile(rf"^ {{0,3}}{re.escape(fence[0])}{{{len(fence)},}}\s*$")
        start = j = i + 1
        while j < len(lines) and not closing.match(lines[j]):
            j += 1
        body = [line[indent:] if line[:indent].isspace() else line for line in lines[start:j]]
        yield start, "\n".join(body) + "\n"
        i = j + 1


def page_doctest(path: Path) -> doctest.DocTest:
    """The ``>>>`` examples of a Markdown page's code blocks, as one doctest."""
    text = path.read_text(encoding="utf-8")
    parser = doctest.DocTestParser()
    examples: list[doctest.Example] = []
    for start, body in fenced_blocks(text):
        if ">>>" not in body:
            continue
        for example in parser.get_examples(body, name=str(path)):
            example.lineno += start
            examples.append(example)
    name = path.relative_to(ROOT).as_posix() if path.is_relative_to(ROOT) else path.name
    return doctest.DocTest(
        examples, {"__name__": "__docs__"}, name, str(path), lineno=0, docstring=text
    )


def run_page(path: Path) -> tuple[doctest.TestResults, str]:
    """Run a page's examples; return the results and doctest's report of any failure."""
    report = io.StringIO()
    runner = doctest.DocTestRunner(optionflags=_OPTIONS)
    results = runner.run(page_doctest(path), out=report.write, clear_globs=True)
    return results, report.getvalue()


@pytest.mark.parametrize("page", markdown_pages(), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_examples_in_page_run(page: Path) -> None:
    results, report = run_page(page)
    assert results.failed == 0, report


def test_domain_model_page_has_examples() -> None:
    results, report = run_page(DOCS / "concepts" / "domain-model.md")
    assert results.failed == 0, report
    assert results.attempted >= 20


def test_readme_has_examples() -> None:
    results, _ = run_page(ROOT / "README.md")
    assert results.attempted >= 3


def test_a_wrong_example_fails(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text(
        "# A page\n\n```pycon\n>>> 1 + 1\n2\n>>> 2 + 2\n5\n```\n\nText, not code: >>> 3\n",
        encoding="utf-8",
    )
    results, report = run_page(page)
    assert results == doctest.TestResults(failed=1, attempted=2)
    assert "page.md" in report
    assert "line 6" in report  # the line of `>>> 2 + 2` in the page, counted from 1


def test_an_example_that_raises_unexpectedly_fails(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text("~~~~python\n>>> {}['missing']\n~~~~\n", encoding="utf-8")
    results, report = run_page(page)
    assert results.failed == 1
    assert "KeyError" in report


def test_examples_of_a_page_share_one_namespace(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text(
        "```pycon\n>>> x = 40\n```\n\nprose\n\n   ```pycon\n   >>> x + 2\n   42\n   ```\n",
        encoding="utf-8",
    )
    assert run_page(page)[0] == doctest.TestResults(failed=0, attempted=2)


def test_fences_close_only_on_their_own_kind() -> None:
    text = "````md\n```pycon\n>>> 1\n```\n````\n```pycon\n>>> 2\n2\n```\n"
    blocks = list(fenced_blocks(text))
    assert [start for start, _ in blocks] == [1, 6]
    assert blocks[0][1] == "```pycon\n>>> 1\n```\n"


@pytest.mark.slow
def test_docs_build_without_warnings(tmp_path: Path) -> None:
    cmd = [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q", "-b", "html"]
    cmd += ["-d", str(tmp_path / "doctrees"), str(DOCS), str(tmp_path / "html")]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-4000:]
    assert (tmp_path / "html" / "concepts" / "domain-model.html").is_file()
