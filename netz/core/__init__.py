"""netz.core: the alliance model, its checks and limits, graphs, file I/O, metrics, errors, PDF
printing.

README.md, "Layout", says how the groups fit together."""
