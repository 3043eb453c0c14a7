"""``python -m iqcore.plugins``: list the plugins a default host loads, with their hooks.

Exits with status 1 if any plugin failed (the failure is printed under it).
"""

from __future__ import annotations

import sys

from iqcore.plugins.host import make_host
from iqcore.plugins.listing import format_plugins


def main() -> int:
    """Print the listing; 1 if a plugin failed, else 0."""
    host = make_host()
    sys.stdout.write(format_plugins(host))
    return 1 if host.faults else 0


if __name__ == "__main__":
    raise SystemExit(main())
