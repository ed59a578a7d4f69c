"""People import: a CSV or XLSX of people, previewed, then applied all or nothing.

It lives in ``raci`` rather than ``orgs`` because it reads files with ``raci.exchange.tables``
(CSV and XLSX within limits, damaged files, zip bombs), and ``orgs`` may not import ``raci``. What
it writes goes through ``orgs.people_sync.people_sync``, the writer the HR sync API uses too.
"""
