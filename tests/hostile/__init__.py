"""The hostile corpus and the script that makes it (a package, see tests/api/__init__.py)."""
