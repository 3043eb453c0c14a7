"""docs/reference/cli.md is generated from the commands and must not go stale."""

from __future__ import annotations

from pathlib import Path

from iqcore.cli import reference

PAGE = Path(__file__).parent.parent / "docs" / "reference" / "cli.md"


def test_reference_page_is_current() -> None:
    assert PAGE.read_text(encoding="utf-8") == reference.markdown(), (
        "docs/reference/cli.md is stale: run python -m iqcore.cli.reference docs/reference/cli.md"
    )


def test_reference_page_has_every_command() -> None:
    text = reference.markdown()
    for command in (
        "demo",
        "assess",
        "plan",
        "occupations search",
        "authority",
        "validate",
        "schema",
        "plugins",
        "import",
        "export",
        "report",
        "network-map",
    ):
        assert f"`iqcore {command}`" in text
    assert "Exit codes:" in text


def test_main_writes_the_page(tmp_path: Path) -> None:
    out = tmp_path / "cli.md"
    assert reference.main([str(out)]) == 0
    assert out.read_text(encoding="utf-8") == reference.markdown()
