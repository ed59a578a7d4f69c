"""Run the test provider: ``python -m tests.oidc_provider.serve PORT REDIRECT_URI``.

Migrates its database (OIDC_PROVIDER_DB), creates one user and one confidential client whose
redirect URI is the relying party's callback, prints ``ready`` and serves until killed."""

from __future__ import annotations

import os
import sys

CLIENT_ID = "raci-test-client"
CLIENT_SECRET = "raci-test-secret-0123456789"
USERNAME = "kim"
PASSWORD = "globex id password"
EMAIL = "kim@globex.example"


def main() -> None:
    # Set here, not at import: the browser test imports this module for its constants, and an
    # import-time change would reach every process the test run starts afterwards.
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.oidc_provider.settings"
    import django

    django.setup()
    from wsgiref.simple_server import WSGIRequestHandler, make_server

    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.core.wsgi import get_wsgi_application
    from oauth2_provider.models import Application

    port, redirect_uri = int(sys.argv[1]), sys.argv[2]
    call_command("migrate", verbosity=0)
    User.objects.create_user(username=USERNAME, email=EMAIL, password=PASSWORD, first_name="Kim")
    Application.objects.create(
        name="RACI",
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris=redirect_uri,
        algorithm=Application.RS256_ALGORITHM,
        skip_authorization=True,
    )

    class QuietHandler(WSGIRequestHandler):
        def log_message(self, *args) -> None:
            pass

    server = make_server("127.0.0.1", port, get_wsgi_application(), handler_class=QuietHandler)
    print("ready", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
