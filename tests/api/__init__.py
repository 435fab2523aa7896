"""The service's tests (a package: its conftest.py and modules are tests.api.*, never confused with
another folder's, so that any folders of tests can be collected and run together)."""
