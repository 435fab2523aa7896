"""Browser tests (a package: its conftest.py and modules are tests.browser.*, see tests/api/__init__.py)."""
