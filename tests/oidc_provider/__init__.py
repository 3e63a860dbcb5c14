"""A tiny, real OpenID Connect provider (django-oauth-toolkit) that the login.gov tests run
in a separate process, so the sign-in flow is exercised over HTTP end to end, not mocked.
It shares nothing with the project: own settings, own SQLite database, own users."""
