"""Settings for every test, whichever folders of tests a run collects.

Hypothesis: no deadline per example, and no health check that times the data generation. Both
measure time, which a busy machine (CI shares its cores) stretches: the default 200 ms deadline
failed property tests that were right. A test's time is no result here (benchmarks/ measures).
A test's own ``@settings`` says how many examples it takes and nothing about time.

The locale: the command line speaks the language of ``LC_ALL``, ``LC_MESSAGES`` or ``LANG``
(German for ``C``). Every test starts from the locale ``C.UTF-8``, whatever the machine's, so
that what a test expects of a command without ``--lang`` does not depend on where it runs; a
test of the locale sets its own (``monkeypatch.setenv``).
"""

import os

from hypothesis import HealthCheck, settings

for _variable in ("LC_ALL", "LC_MESSAGES", "LANGUAGE"):
    os.environ.pop(_variable, None)
os.environ["LANG"] = "C.UTF-8"

settings.register_profile("netz", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("netz")
