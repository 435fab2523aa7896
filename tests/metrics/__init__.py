"""Metric tests (a package, see tests/api/__init__.py)."""
