"""A tiny OpenID Connect provider (django-oauth-toolkit) that the single sign-on browser test starts
as its own process on 127.0.0.1: a real provider, not a mocked token endpoint."""
