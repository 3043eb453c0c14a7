"""The plugin listing behind ``iqcore plugins`` and ``python -m iqcore.plugins``."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from iqcore.plugins.host import PluginHost

__all__ = ["format_plugins"]


def format_plugins(host: PluginHost | None = None) -> str:
    """A plain-text table of every plugin of *host* (default: a new host with the installed
    plugins): name, distribution, version, source and the hooks it implements; a failed
    plugin is followed by its error on an indented line."""
    if host is None:
        from iqcore.plugins.host import make_host

        host = make_host()
    rows = [("plugin", "distribution", "version", "source", "hooks")]
    failures: dict[int, str] = {}
    for s in host.plugins():
        hooks = ", ".join(h.removeprefix("iqcore_") for h in s.hooks) or "-"
        rows.append((s.name, s.distribution or "-", s.version or "-", s.source, hooks))
        if s.failed:
            failures[len(rows) - 1] = s.failed
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    lines: list[str] = []
    for n, row in enumerate(rows):
        cells = [c.ljust(w) for c, w in zip(row[:4], widths, strict=True)]
        lines.append("  ".join([*cells, row[4]]).rstrip())
        if n in failures:
            lines.append(f"    FAILED: {failures[n]}")
    return "\n".join(lines) + "\n"
