from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from orgs.services import api_token_create


class Command(BaseCommand):
    help = "Create a personal API token for USERNAME and print it once (only its hash is stored)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("username")
        parser.add_argument("--name", default="command line", help="a label to tell tokens apart")
        parser.add_argument("--read-only", action="store_true", help="the token may only read")

    def handle(self, *args, username: str, name: str, read_only: bool, **options) -> None:
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user named '{username}'.")
        try:
            token, key = api_token_create(user=user, name=name, read_only=read_only)
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from None
        self.stdout.write(key)
        scope = " (read-only)" if read_only else ""
        self.stderr.write(f"Token '{token.name}' for {username}{scope}: store it now, it is not shown again.")
