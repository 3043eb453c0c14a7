"""Adapters for iqcore, reached only through entry points: storage backends and regional plugins.

iqcore itself never imports this package.
"""

__all__: list[str] = []
