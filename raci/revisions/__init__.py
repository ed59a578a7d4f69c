"""Revisions: publishing an immutable snapshot, comparing, restoring as the draft, sign-off and
acknowledgements; their pages and API."""
