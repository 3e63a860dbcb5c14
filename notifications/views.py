"""HTML pages: the user's notifications (mark read) and notification preferences."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from dpa_funding.errors import NotFound

from . import selectors, services
from .forms import PreferencesForm


@login_required
def notification_list(request):
    unread = request.GET.get("unread") in ("1", "true")
    qs = selectors.notifications_for(request.user, unread=True if unread else None)
    page_obj = Paginator(qs, 25).get_page(request.GET.get("page"))
    return render(request, "notifications/list.html",
                  {"page_obj": page_obj, "notifications": page_obj.object_list, "unread_only": unread})


@login_required
@require_POST
def notification_read(request, pk: int):
    try:
        note = services.notification_mark_read(user=request.user, notification_id=pk)
    except NotFound:
        raise Http404 from None
    target = request.POST.get("next", "")
    if target == "open" and note.url.startswith("/"):
        return redirect(note.url)
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("notifications:list")


@login_required
@require_POST
def notification_read_all(request):
    count = services.notifications_mark_all_read(user=request.user)
    messages.success(request, f"Marked {count} notification{'s' if count != 1 else ''} read.")
    return redirect("notifications:list")


@login_required
def preferences(request):
    if request.method == "POST":
        form = PreferencesForm(request.POST)
        if form.is_valid():
            services.preferences_update(user=request.user, values=form.cleaned_data)
            messages.success(request, "Your notification preferences were saved.")
            return redirect("notifications:preferences")
    else:
        form = PreferencesForm(initial=selectors.preferences_for(request.user))
    return render(request, "notifications/preferences.html", {"form": form})
