"""After the run: no update lost, every publication email sent exactly once."""

from __future__ import annotations

import time
from collections import Counter, defaultdict
from pathlib import Path

from bench.load.client import Accepted


def lost_updates(*, matrix_id: int, hot: dict, accepted: list[Accepted], version_before: int) -> list[str]:
    """Problems found; an empty list means none was lost.

    Every accepted PATCH named the letters it expected, so the accepted PATCHes of one cell, in the
    order of the versions they were given, must form one chain from the cell's first letters to the
    letters it holds now; the history must hold exactly one cell row per accepted PATCH; and no two
    accepted PATCHes may share a version."""
    from raci.matrices.models import Assignment, ChangeRecord

    problems = []
    now = {
        (task_id, code): letters
        for task_id, code, letters in Assignment.objects.filter(task__matrix_id=matrix_id).values_list(
            "task_id", "role__code", "letters"
        )
    }
    by_cell: dict[tuple, list[Accepted]] = defaultdict(list)
    for item in accepted:
        by_cell[item.cell].append(item)
    for cell, first in hot.items():
        letters = first
        for item in sorted(by_cell[cell], key=lambda a: a.version):
            if item.expected != letters:
                problems.append(
                    f"{cell}: accepted at v{item.version} expecting {item.expected!r}, held {letters!r}"
                )
            letters = item.letters
        if now.get(cell, "") != letters:
            problems.append(f"{cell}: holds {now.get(cell, '')!r}, the last accepted PATCH set {letters!r}")
    versions = Counter(item.version for item in accepted)
    problems += [f"version {v} given to {n} PATCHes" for v, n in versions.items() if n > 1]
    recorded = ChangeRecord.objects.filter(
        matrix_id=matrix_id, kind=ChangeRecord.Kind.CELL, version__gt=version_before
    ).count()
    if recorded != len(accepted):
        problems.append(f"history has {recorded} cell changes for {len(accepted)} accepted PATCHes")
    return problems


def outbox_drained(*, since, timeout: float = 120) -> tuple[int, int]:
    """Wait for the workers to dispatch every event since ``since``; (dispatched, left)."""
    from raci.outbox.models import OutboxEvent

    deadline = time.monotonic() + timeout
    while True:
        events = OutboxEvent.objects.filter(created_at__gte=since)
        left = events.filter(dispatched_at__isnull=True).count()
        if not left or time.monotonic() > deadline:
            return events.count() - left, left
        time.sleep(0.5)


def emails_once(*, mail_dir: str, since) -> list[str]:
    """Problems found with publication emails: each notice recorded once and sent once."""
    from raci.outbox.models import SentNotification

    keys = SentNotification.objects.filter(key__startswith="published:", sent_at__gte=since).count()
    messages = Counter()
    for path in Path(mail_dir).glob("*.log"):
        for message in path.read_text().split("\n" + "-" * 79 + "\n"):
            lines = [line for line in message.splitlines() if ": " in line and not line.startswith(" ")]
            headers = dict(line.split(": ", 1) for line in lines)
            if "To" in headers:
                messages[(headers["To"], headers.get("Subject", ""))] += 1
    problems = [f"{n} emails to {to} ({subject})" for (to, subject), n in messages.items() if n > 1]
    sent = sum(messages.values())
    if sent != keys:
        problems.append(f"{sent} publication emails sent for {keys} notices recorded")
    return problems, sent
