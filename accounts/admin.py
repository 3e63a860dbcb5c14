"""Django admin for users, organizations and memberships (administrators' reference work)."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django_otp.admin import OTPAdminAuthenticationForm

from . import mfa
from .models import Membership, Organization, Owner, User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ("username", "email", "first_name", "last_name", "role", "award_authority", "is_active")
    list_filter = ("role", "award_authority", "is_active", "is_staff")
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        ("Program role", {"fields": ("role", "award_authority", "job_title")}),
    )
    add_fieldsets = (
        *DjangoUserAdmin.add_fieldsets,
        ("Program role", {"fields": ("email", "role", "award_authority", "job_title")}),
    )


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ("user",)


class OwnerInline(admin.TabularInline):
    """Read-only here: owners change through accounts.services (the 100% check and the
    organization's ownership_changed audit event)."""

    model = Owner
    extra = 0
    fields = ("name", "country", "percent", "government_controlled")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ("legal_name", "uei", "ein", "country", "state", "foreign_percent", "feoc")
    list_filter = ("country", "state")
    search_fields = ("legal_name", "uei", "ein", "cage_code")
    readonly_fields = ("created_at", "updated_at")
    inlines = [OwnerInline, MembershipInline]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("owners")

    @admin.display(description="Foreign ownership (%)")
    def foreign_percent(self, obj: Organization):
        return obj.foreign_ownership_percent

    @admin.display(boolean=True, description="Foreign entity of concern")
    def feoc(self, obj: Organization) -> bool:
        return obj.foreign_entity_of_concern


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "organization", "role", "created_at")
    list_filter = ("role",)
    search_fields = ("user__username", "organization__legal_name", "organization__uei")
    list_select_related = ("user", "organization")
    autocomplete_fields = ("user", "organization")


# /admin/login/ asks for the authenticator code too (administrators are staff), and its
# password check goes through django-axes like every other sign-in.
class AdminSignInForm(OTPAdminAuthenticationForm):
    """The admin's login: username, password and the authenticator (or recovery) code, with
    the device chosen from the code's shape (accounts.mfa.device_for)."""

    def _chosen_device(self, user):
        device = super()._chosen_device(user)
        return device or mfa.device_for(user, mfa.normalize(self.cleaned_data.get("otp_token")))


admin.site.login_form = AdminSignInForm
admin.site.login_template = "otp/admin111/login.html"
