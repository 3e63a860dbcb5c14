"""The link between a local account and its identity at an OpenID provider.

Once linked, the provider's stable subject (``sub``) decides who signs in, not the email:
an email changed here or at login.gov can neither hijack nor orphan the account.
"""

from django.conf import settings
from django.db import models

from dpa_funding.querysets import RestrictedQuerySet


class ExternalIdentity(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="external_identities")
    issuer = models.CharField(max_length=255)
    subject = models.CharField(max_length=255)
    email_at_link = models.EmailField(help_text="The verified email the account was linked by.")
    linked_at = models.DateTimeField(auto_now_add=True)
    last_sign_in_at = models.DateTimeField(null=True, blank=True)


    objects = RestrictedQuerySet.as_manager()
    class Meta:
        verbose_name = "external identity"
        verbose_name_plural = "external identities"
        constraints = [
            models.UniqueConstraint(fields=["issuer", "subject"], name="identity_unique_subject"),
            # One identity per provider per account: a second login.gov account claiming the
            # same email cannot attach itself next to the first.
            models.UniqueConstraint(fields=["issuer", "user"], name="identity_one_per_issuer"),
        ]

    def __str__(self) -> str:
        return f"{self.user} at {self.issuer}"
