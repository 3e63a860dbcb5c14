"""HTML pages of the webhooks app: the delivery log, with redelivery."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from . import selectors, services


@login_required
def delivery_log(request):
    endpoints = selectors.endpoints_visible_to(request.user).order_by("organization__legal_name", "id")
    deliveries = (selectors.deliveries_visible_to(request.user).select_related("endpoint__organization")
                  .order_by("-created_at", "-id"))
    page = Paginator(deliveries, 50).get_page(request.GET.get("page"))
    return render(request, "webhooks/log.html", {"endpoints": endpoints, "page": page})


@login_required
@require_POST
def redeliver(request, pk: int):
    delivery = get_object_or_404(selectors.deliveries_visible_to(request.user), pk=pk)
    copy = services.delivery_redeliver(actor=request.user, delivery=delivery)
    messages.success(request, f"Delivery {copy.pk} queued: {copy.get_event_type_display()} to {delivery.endpoint.url}.")
    return redirect("webhooks:log")
