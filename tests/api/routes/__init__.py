"""API route tests (a package, so that test_compare.py here and tests/test_compare.py can coexist)."""
