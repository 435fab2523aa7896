"""netz.analysis: one alliance analysed: report, gaps, health, what-if, waves, survey, privacy,
revisions, support reasons, and the text, charts, map layout and handout that present it.

README.md, "Layout", says how the groups fit together."""
