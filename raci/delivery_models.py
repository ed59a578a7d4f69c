"""Models of background delivery: the outbox, webhook endpoints and deliveries, sent-notification keys.

Imported by raci.models so Django registers them with the raci app.
"""

from __future__ import annotations
