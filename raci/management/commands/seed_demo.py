from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core import mail
from django.core.management.base import BaseCommand
from django.test.utils import override_settings

from raci.management.demo import demo_seed

# Where the demo's own emails (the publication notices to its forty people) are written, instead of
# scrolling the login out of sight on the console (`make run`).
DEMO_MAIL_FILE = Path(settings.BASE_DIR) / "build" / "demo-emails.txt"


class Command(BaseCommand):
    help = (
        "Create the demo organization Acme Analytics and its demo owner (idempotent). The emails the "
        "seeding sends are written to build/demo-emails.txt, not sent; the output ends with the login."
    )

    def handle(self, *args, **options) -> None:
        # The in-memory backend collects what the seed sends (its notices leave on commit, in-process);
        # a test's own outbox, if there is one, is put back afterwards.
        saved = getattr(mail, "outbox", None)
        mail.outbox = []
        try:
            with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
                login = demo_seed()
            sent = list(mail.outbox)
        finally:
            if saved is None:
                del mail.outbox
            else:
                mail.outbox = saved
        if sent:
            DEMO_MAIL_FILE.parent.mkdir(parents=True, exist_ok=True)
            DEMO_MAIL_FILE.write_text(
                "\n\n".join(message.message().as_string() for message in sent), encoding="utf-8"
            )
            where = f"written to {DEMO_MAIL_FILE.relative_to(settings.BASE_DIR)}, not sent"
            self.stdout.write(f"Demo emails: {len(sent)} ({where})")
        else:
            self.stdout.write("Demo emails: none (the demo was already there)")
        self.stdout.write(f"Demo organization: {login.organization.name} — matrix '{login.matrix.name}'")
        self.stdout.write(f"username: {login.username}")
        self.stdout.write(f"password: {login.password}")
