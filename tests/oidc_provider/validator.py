import os

from oauth2_provider.oauth2_validators import OAuth2Validator


class EmailClaimsValidator(OAuth2Validator):
    """Adds email and email_verified, like login.gov; users listed in
    OIDC_PROVIDER_UNVERIFIED have an email the provider has not verified."""

    def get_additional_claims(self, request):
        unverified = set(filter(None, os.environ.get("OIDC_PROVIDER_UNVERIFIED", "").split(",")))
        return {"email": request.user.email, "email_verified": request.user.username not in unverified}
