"""Sign-in through an external OpenID Connect provider (login.gov), by configuration."""
