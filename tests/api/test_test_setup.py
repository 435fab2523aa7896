"""The test suite's own setup: any folders of tests collect together, and Hypothesis measures no time.

Here with the service's tests: collecting them needs the service and the browser installed (the
lowest-versions run, ``make test-lowest``, has the library's tests only)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from hypothesis import HealthCheck, settings

ROOT = Path(__file__).parents[2]


def test_the_service_and_browser_tests_collect_in_one_run() -> None:
    """``pytest tests/api tests/browser``: each folder's conftest.py and modules are their own
    (tests.api.conftest, tests.browser.conftest); before, both were the module ``conftest`` and
    the run stopped with "import file mismatch"."""
    collected = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider",
         "tests/api", "tests/browser"],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
    )
    assert collected.returncode == 0, collected.stdout[-3000:] + collected.stderr[-3000:]
    assert "error" not in collected.stdout.splitlines()[-1], collected.stdout[-3000:]


def test_hypothesis_examples_have_no_deadline() -> None:
    """The profile of tests/conftest.py: a busy machine makes no property test fail."""
    assert settings().deadline is None
    assert HealthCheck.too_slow in settings().suppress_health_check

