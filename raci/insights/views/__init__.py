"""Pages that answer "who does what" and show the analyses; read-only for everyone.

Every view starts with ``require_org`` (non-members get 404), fetches objects within the
organization (another organization's id is a 404 too), reads through selectors and the pure
rules engine, and writes nothing: the what-if page computes on a copy of the grid. Templates
get plain data built here, so no page follows a relation the view did not load.

``people``: person, role and task pages; ``search``; ``analyses``: overlap, workload, what-if.
"""
