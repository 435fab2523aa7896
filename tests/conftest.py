"""Settings for every test, whichever folders of tests a run collects.

Hypothesis: no deadline per example, and no health check that times the data generation. Both
measure time, which a busy machine (CI shares its cores) stretches: the default 200 ms deadline
failed property tests that were right. A test's time is no result here (benchmarks/ measures).
A test's own ``@settings`` says how many examples it takes and nothing about time.
"""

from hypothesis import HealthCheck, settings

settings.register_profile("netz", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("netz")
