"""HTML: an officer clears possible SAM name matches from the screening or award page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from accounts.models import Organization
from dpa_funding.errors import ValidationFailed

from . import services
from .forms import ClearForm


def _back(request, organization) -> str:
    target = request.POST.get("next")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return f"/accounts/organizations/{organization.pk}/"


@require_POST
@login_required
def clear(request, pk: int):
    organization = get_object_or_404(Organization.objects.restrict(request.user), pk=pk)
    form = ClearForm(request.POST)
    comment = form.cleaned_data["comment"] if form.is_valid() else ""
    try:
        services.clear_possible_matches(actor=request.user, organization=organization, comment=comment)
    except ValidationFailed as exc:
        for message_list in exc.errors.values():
            for message in message_list:
                messages.error(request, message)
    else:
        messages.success(request, "The possible SAM matches are cleared for the current extract.")
    return redirect(_back(request, organization))
