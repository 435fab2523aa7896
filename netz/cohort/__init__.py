"""netz.cohort: many alliances: comparisons, trends, batch runs, the synthetic demo cohort, the
programme overview with its charts and report.

README.md, "Layout", says how the groups fit together."""
