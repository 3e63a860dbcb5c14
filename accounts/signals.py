"""A password change revokes every API token of the account (domain.md, "Sign-in").

Caught at the save, whatever changed the password (the admin, a password reset, the
shell, a service), so no path forgets it. Browser sessions end by themselves: Django
ties each session to a hash of the password.
"""

from django.db.models.signals import pre_save
from django.dispatch import receiver
from knox.models import AuthToken

from .models import User


@receiver(pre_save, sender=User, dispatch_uid="accounts.revoke_tokens_on_password_change")
def revoke_tokens_on_password_change(sender, instance: User, raw=False, **kwargs):
    if raw or instance.pk is None:
        return
    previous = User.objects.filter(pk=instance.pk).values_list("password", flat=True).first()
    if previous is not None and previous != instance.password:
        AuthToken.objects.filter(user_id=instance.pk).delete()
