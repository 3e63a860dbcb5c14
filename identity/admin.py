from django.contrib import admin

from .models import ExternalIdentity


@admin.register(ExternalIdentity)
class ExternalIdentityAdmin(admin.ModelAdmin):
    list_display = ["user", "issuer", "email_at_link", "linked_at", "last_sign_in_at"]
    search_fields = ["user__username", "email_at_link", "subject"]
    readonly_fields = ["user", "issuer", "subject", "email_at_link", "linked_at", "last_sign_in_at"]
