"""Who does what: person, role and task pages, search, and the analyses of a matrix (overlap,
workload, what-if, gap) in pages and the API. Read-only: nothing here writes."""
