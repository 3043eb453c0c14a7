"""Shared pytest set-up for the iqcore test suite.

Hypothesis profiles: ``ci`` (chosen when the environment variable ``CI`` is set) and ``dev``.
Neither has a deadline: the suite runs on two worker processes of a small, noisy machine, where
a per-example deadline only produces flaky failures. Choose one with ``HYPOTHESIS_PROFILE``.
"""

from __future__ import annotations

import os

from hypothesis import settings

#: ``postgres_server``: a throwaway PostgreSQL server on loopback (see tests/pg_server.py).
pytest_plugins = ("pg_server",)

settings.register_profile("dev", deadline=None)
settings.register_profile("ci", deadline=None, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev"))
