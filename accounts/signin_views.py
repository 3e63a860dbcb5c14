"""Web sign-in in two steps: the password (Django's LoginView, counted by django-axes), then,
for staff and for anyone who enrolled, a code from the authenticator app or a recovery
code. The session is signed in only after the second step; until then it holds only
which account passed the first, for a few minutes."""

import time

import django_otp
import segno
from django import forms
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from dpa_funding.errors import ValidationFailed

from . import mfa
from .forms import USWDSFormMixin
from .models import User
from .signin import lockout_response

PENDING_KEY = "signin_pending"
PENDING_SECONDS = 300


class SignInView(auth_views.LoginView):
    """Step one. A user who needs a second factor is not signed in yet."""

    def form_valid(self, form):
        user = form.get_user()
        if not mfa.second_factor_required(user):
            return super().form_valid(form)
        self.request.session.cycle_key()
        self.request.session[PENDING_KEY] = {
            "user": user.pk, "backend": user.backend, "at": time.time(),
            "next": self.get_redirect_url(),
        }
        return redirect("login_code")


class CodeForm(USWDSFormMixin, forms.Form):
    otp = forms.CharField(
        label="Authentication code", max_length=32, strip=True,
        help_text="The 6-digit code from your authenticator app, or one of your recovery codes.",
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric",
                                      "autocapitalize": "none", "spellcheck": "false"}),
    )


def _pending_user(request):
    pending = request.session.get(PENDING_KEY)
    if not pending or time.time() - pending.get("at", 0) > PENDING_SECONDS:
        request.session.pop(PENDING_KEY, None)
        return None, None
    user = User.objects.filter(pk=pending["user"], is_active=True).first()
    return user, pending


@never_cache
@sensitive_post_parameters("otp")
def signin_code(request):
    """Step two: the code. Wrong codes count as failed sign-ins (lockout) and are slowed
    down by django-otp; a code is accepted once."""
    user, pending = _pending_user(request)
    if user is None:
        messages.info(request, "Sign in again: the sign-in step expired.")
        return redirect("login")
    enrolled = mfa.has_second_factor(user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and enrolled and form.is_valid():
        device = mfa.verify(user, form.cleaned_data["otp"], request=request)
        if getattr(request, "axes_locked_out", False):
            request.session.pop(PENDING_KEY, None)
            return lockout_response(request, credentials={"username": user.username})
        if device is not None:
            request.session.pop(PENDING_KEY, None)
            login(request, user, backend=pending["backend"])
            django_otp.login(request, device)
            target = pending.get("next") or ""
            if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
                target = reverse("dashboard")
            return redirect(target)
        form.add_error("otp", "That code is not valid. Use the current code from your app, or a "
                              "recovery code you have not used.")
    return render(request, "registration/login_code.html", {"form": form, "enrolled": enrolled})


@login_required
def security(request):
    """The signed-in user's second factor: applicants may enrol (or remove it); staff see
    that theirs is required. A new secret is shown once, with its recovery codes."""
    user = request.user
    enrolment = None
    if request.method == "POST":
        if request.POST.get("action") == "enrol":
            device, codes = mfa.enrol(user, actor=user)
            django_otp.login(request, device)
            enrolment = {
                "secret": mfa.secret_base32(device), "uri": device.config_url, "codes": codes,
                "qr_svg": segno.make(device.config_url, error="m").svg_inline(scale=4, title="Enrolment QR code"),
            }
        elif request.POST.get("action") == "remove":
            try:
                mfa.unenrol(user, actor=user)
            except ValidationFailed as exc:
                messages.error(request, " ".join(exc.errors.get("non_field_errors", [])))
            else:
                messages.success(request, "Two-step sign-in is off for your account.")
            return redirect("accounts:security")
    return render(request, "accounts/security.html", {
        "enrolled": mfa.has_second_factor(user),
        "required": mfa.staff_must_enrol(user),
        "remaining_codes": mfa.remaining_recovery_codes(user),
        "enrolment": enrolment,
    })
