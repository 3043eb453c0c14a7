"""Sphinx configuration for the iqcore documentation: MyST Markdown pages, the furo theme.

Build with ``nox -s docs`` (warnings are errors). Pages are found by the glob toctrees of
``index.md``: add a page under ``concepts/``, ``tutorials/``, ``howto/`` or ``reference/`` and it
appears without editing the index. Every ``>>>`` example in a page is run by ``tests/test_docs.py``.
"""

from __future__ import annotations

import sys
from pathlib import Path

# Document the checkout's source, also when iqcore is not installed.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from iqcore import __version__

project = "iqcore"
author = "The iqcore developers"
copyright = "the iqcore developers, EUPL-1.2"
version = __version__
release = __version__

extensions = ["myst_parser", "sphinx.ext.autodoc", "sphinx.ext.viewcode"]
source_suffix = {".md": "markdown", ".rst": "restructuredtext"}
root_doc = "index"
exclude_patterns = ["_build", "README.md"]

myst_enable_extensions = ["colon_fence", "deflist", "fieldlist"]
myst_heading_anchors = 3

# attrs classes: document fields from the class, keep signatures readable.
autodoc_member_order = "bysource"
autodoc_typehints = "description"
autodoc_default_options = {"members": True, "show-inheritance": False}

# The index's glob toctrees (tutorials/*, howto/* ...) may be empty while the docs grow.
suppress_warnings = ["toc.empty_glob"]

html_theme = "furo"
html_title = f"iqcore {release}"
