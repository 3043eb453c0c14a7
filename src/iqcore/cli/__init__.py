"""The ``iqcore`` command: pre-assess cases, plan training, report, and run the demo.

``iqcore --help`` lists the commands; ``docs/reference/cli.md`` is generated from them. click and
rich are imported only when the command runs (``import iqcore`` and ``import iqcore.cli`` stay
cheap).

Exit codes (stable; also in ``iqcore --help``):

====  ==========================================================================
0     success
2     usage error: an unknown command or option, a missing argument or file
3     bad input: a document breaks the model's rules (every problem is listed with its path)
4     not found: the input or the command names an occupation, network, type or record that
      does not exist
5     storage problem: the store could not complete the operation (nothing half-written)
6     plugin problem: a plugin failed, or two plugins collide
7     configuration problem: an unknown store scheme, a missing optional extra
70    internal error (a bug in iqcore: please report it; ``--debug`` shows the traceback)
130   interrupted (Ctrl-C); an import keeps the chunks committed before the interruption
====  ==========================================================================
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = [
    "EXIT_CONFIG",
    "EXIT_INPUT",
    "EXIT_INTERNAL",
    "EXIT_INTERRUPTED",
    "EXIT_NOT_FOUND",
    "EXIT_OK",
    "EXIT_PLUGIN",
    "EXIT_STORAGE",
    "EXIT_USAGE",
    "main",
]

EXIT_OK = 0
EXIT_USAGE = 2
EXIT_INPUT = 3
EXIT_NOT_FOUND = 4
EXIT_STORAGE = 5
EXIT_PLUGIN = 6
EXIT_CONFIG = 7
EXIT_INTERNAL = 70
EXIT_INTERRUPTED = 130


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``iqcore`` command with *argv* (default: the process arguments); the exit code.

    The command needs the extra ``cli`` (click and rich); without it, it says so and returns
    :data:`EXIT_CONFIG`.
    """
    try:
        from iqcore.cli._app import cli
    except ImportError as exc:
        if exc.name not in ("click", "rich"):
            raise
        import sys

        sys.stderr.write(
            "iqcore: error: the iqcore command needs click and rich: "
            "python -m pip install 'iqcore[cli]'\n"
        )
        return EXIT_CONFIG

    code: int = cli.main(args=None if argv is None else list(argv), standalone_mode=False)
    return code
