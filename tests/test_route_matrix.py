"""Route x role matrix: every URL pattern, requested as each kind of user, answers as listed.

HOW TO ADD A ROUTE (the test fails for any route without an entry):
    add one line to ROUTES below:
        "<url name>": ("<object for its <pk>>", "<METHOD>", "<statuses in ROLES order>"),
    e.g. "awards:funds": ("opportunity", "GET", "302 403 403 403 403 403 403 200 200 200"),
    The object is one of WORLD's keys (or None for a route without <pk>); "<name>" kwargs
    take NAMES[<url name>]. Each request runs in a savepoint that is rolled back, so POSTs
    (sent with an empty body; JSON for the API) never change what the next role sees.
    To see what the routes whose statuses are still "" answer now (then check each value):
        RECORD_ROUTE_MATRIX=1 pytest tests/test_route_matrix.py::test_route_matrix -s

Roles (ROLES order): anonymous; an applicant of another organization; a contributor and the
AOR of the applicant organization; a reviewer without an assignment on the application, a
recused reviewer and an active reviewer; a program officer without and with award
authority; an administrator. The application is under merit review (assignments exist);
the award belongs to another application of the same organization, pending acceptance.

Django admin routes (every pattern under /admin/) are covered by one rule instead of
entries: everyone but the administrator is redirected to the admin sign-in page, and
the administrator never meets a server error.
"""

import os
import re

import pytest
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.test import APIClient

from accounts.choices import MemberRole
from applications.choices import ApplicationStatus
from reviews.choices import AssignmentStatus
from tests.awards.factories import issue, negotiation_app
from tests.factories import (
    ApplicationFactory,
    DocumentFactory,
    MembershipFactory,
    UserFactory,
    aor_of,
)
from tests.reviews.factories import ReviewAssignmentFactory

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "other_applicant", "contributor", "aor", "reviewer", "recused_reviewer",
         "active_reviewer", "officer", "awarding_officer", "admin")

# Kwarg "name" per route (the transition or action the URL names).
NAMES = {
    "applications:transition": "start_screening",
    "api-application-fire-transition": "start_screening",
    "awards:transition": "decline_award",  # accept has its own signed form (awards:accept)
    "awards-api:award-fire-transition": "accept",
    "whitepapers:transition": "encourage",
    "postaward:award_transition": "close",
    "postaward:milestone_transition": "accept",
    "postaward:report_transition": "accept",
    "postaward:modification_transition": "approve",
    "payments:decide": "approve",
    "payments-api:payment-request-fire-transition": "approve",
    "postaward-api:milestone-transition": "accept",
    "postaward-api:report-transition": "accept",
    "postaward-api:modification-transition": "approve",
    "api-white-paper-fire-transition": "encourage",
}

# url name: (object for <pk>, method, statuses in ROLES order)
ROUTES: dict[str, tuple[str | None, str, str]] = {
    "dashboard": (None, "GET", "302 302 302 302 302 302 302 302 302 302"),
    "healthz": (None, "GET", "200 200 200 200 200 200 200 200 200 200"),
    "healthz/": (None, "GET", "200 200 200 200 200 200 200 200 200 200"),
    "metrics": (None, "GET", "200 200 200 200 200 200 200 200 200 200"),
    "login": (None, "GET", "200 200 200 200 200 200 200 200 200 200"),
    "logout": (None, "POST", "302 302 302 302 302 302 302 302 302 302"),
    "accounts:register": (None, "GET", "200 302 302 302 302 302 302 302 302 302"),
    "accounts:organization_list": (None, "GET", "302 200 200 200 200 200 200 200 200 200"),
    "accounts:organization_create": (None, "GET", "302 200 200 200 403 403 403 403 403 403"),
    "accounts:organization_detail": ('organization', "GET", "302 404 200 200 404 404 404 200 200 200"),
    "accounts:organization_edit": ('organization', "GET", "302 404 403 200 404 404 404 403 403 403"),
    "accounts:member_add": ('organization', "GET", "302 404 403 200 404 404 404 403 403 403"),
    "oidc_authentication_init": (None, "GET", "404 404 404 404 404 404 404 404 404 404"),
    "oidc_authentication_callback": (None, "GET", "404 404 404 404 404 404 404 404 404 404"),
    "applications:list": (None, "GET", "302 200 200 200 200 200 200 200 200 200"),
    "applications:create": (None, "GET", "302 302 302 302 302 302 302 302 302 302"),
    "applications:officer_queue": (None, "GET", "302 403 403 403 403 403 403 200 200 200"),
    "applications:project_list": (None, "GET", "302 200 200 200 200 200 200 200 200 200"),
    "applications:project_create": (None, "GET", "302 200 200 200 403 403 403 403 403 403"),
    "applications:project_edit": ('project', "GET", "302 404 200 200 404 404 404 403 403 403"),
    "applications:opportunity_list": (None, "GET", "302 200 200 200 200 200 200 200 200 200"),
    "applications:opportunity_create": (None, "GET", "302 403 403 403 403 403 403 200 200 403"),
    "applications:opportunity_detail": ('opportunity', "GET", "302 200 200 200 200 200 200 200 200 200"),
    "applications:opportunity_edit": ('opportunity', "GET", "302 403 403 403 403 403 403 200 200 403"),
    "applications:document_download": ('document', "GET", "302 404 200 200 404 404 200 200 200 200"),
    "applications:detail": ('application', "GET", "302 404 200 200 404 404 200 200 200 200"),
    "applications:edit": ('application', "GET", "302 404 302 302 404 404 403 403 403 403"),
    "applications:document_upload": ('application', "GET", "302 404 302 302 404 404 403 403 403 403"),
    "applications:transition": ('application', "POST", "302 404 403 403 404 404 403 302 302 403"),
    "reviews:workspace": (None, "GET", "302 403 403 403 200 200 200 403 403 403"),
    "reviews:assignment": ('assignment', "GET", "302 403 403 403 404 404 200 403 403 403"),
    "reviews:coi": ('assignment', "POST", "302 403 403 403 404 404 302 403 403 403"),
    "reviews:decline": ('assignment', "POST", "302 403 403 403 404 404 200 403 403 403"),
    "reviews:read": ('assignment', "GET", "302 403 403 403 404 404 200 403 403 403"),
    "reviews:application_assignments": ('application', "GET", "302 403 403 403 403 403 403 200 200 403"),
    "reviews:opportunity_assign": ('opportunity', "GET", "302 403 403 403 403 403 403 200 200 403"),
    "reviews:ranking": ('opportunity', "GET", "302 403 403 403 403 403 403 200 200 200"),
    "awards:list": (None, "GET", "302 200 200 200 200 200 200 200 200 200"),
    "awards:detail": ('award', "GET", "302 404 200 200 404 404 404 200 200 200"),
    "awards:letter": ('award', "GET", "302 404 404 404 404 404 404 404 404 404"),
    "awards:schedule_csv": ('award', "GET", "302 404 404 404 404 404 404 404 404 404"),
    "awards:transition": ('award', "POST", "302 404 403 302 404 404 404 403 403 403"),
    "awards:accept": ('award', "POST", "302 404 403 400 404 404 404 403 403 403"),  # AOR: empty form
    "awards:decline": ('award', "POST", "302 404 403 302 404 404 404 403 403 403"),
    "awards:rescind": ('award', "POST", "302 404 403 403 404 404 404 302 302 403"),
    "awards:regenerate_letter": ('award', "POST", "302 404 403 403 404 404 404 302 302 403"),
    "awards:terms": ('application', "GET", "302 404 403 403 404 404 403 404 404 404"),
    "awards:issue": ('application', "POST", "302 404 403 403 404 404 403 302 302 302"),
    "awards:funds": ('opportunity', "GET", "302 403 403 403 403 403 403 200 200 200"),
    "notifications:list": (None, "GET", "302 200 200 200 200 200 200 200 200 200"),
    "notifications:read_all": (None, "POST", "302 302 302 302 302 302 302 302 302 302"),
    "notifications:preferences": (None, "GET", "302 200 200 200 200 200 200 200 200 200"),
    "notifications:read": ('notification', "POST", "302 404 404 302 404 404 404 404 404 404"),
    "dashboards:search": (None, "GET", "302 200 200 200 200 200 200 200 200 200"),
    "dashboards:opportunity": ('opportunity', "GET", "302 403 403 403 403 403 403 200 200 200"),
    "dashboards:applications_csv": ('opportunity', "GET", "302 403 403 403 403 403 403 200 200 200"),
    "dashboards:awards_csv": ('opportunity', "GET", "302 403 403 403 403 403 403 200 200 200"),
    "webhooks:log": (None, "GET", "302 200 200 200 200 200 200 200 200 200"),
    "webhooks:redeliver": ('webhook_delivery', "POST", "302 404 404 302 404 404 404 404 404 404"),
    "api-token": (None, "POST", "400 400 400 400 400 400 400 400 400 400"),
    "api-register": (None, "POST", "400 400 400 400 400 400 400 400 400 400"),
    "api-me": (None, "GET", "401 200 200 200 200 200 200 200 200 200"),
    "api-organization-list": (None, "GET", "401 200 200 200 200 200 200 200 200 200"),
    "api-organization-detail": ('organization', "GET", "401 404 200 200 404 404 404 200 200 200"),
    "api-organization-members": ('organization', "POST", "401 404 400 400 404 404 404 400 400 400"),
    "api-document-download": ('document', "GET", "401 404 200 200 404 404 200 200 200 200"),
    "api-mineral-list": (None, "GET", "401 200 200 200 200 200 200 200 200 200"),
    "api-mineral-detail": ('mineral', "GET", "401 200 200 200 200 200 200 200 200 200"),
    "api-project-list": (None, "GET", "401 200 200 200 200 200 200 200 200 200"),
    "api-project-detail": ('project', "GET", "401 404 200 200 404 404 404 200 200 200"),
    "api-opportunity-list": (None, "GET", "401 200 200 200 200 200 200 200 200 200"),
    "api-opportunity-detail": ('opportunity', "GET", "401 200 200 200 200 200 200 200 200 200"),
    "api-application-list": (None, "GET", "401 200 200 200 200 200 200 200 200 200"),
    "api-application-detail": ('application', "GET", "401 404 200 200 404 404 200 200 200 200"),
    "api-application-documents": ('application', "GET", "401 404 200 200 404 404 200 200 200 200"),
    "api-application-fire-transition": ('application', "POST", "401 404 403 403 404 404 403 409 409 403"),
    "api-application-history": ('application', "GET", "401 404 200 200 404 404 200 200 200 200"),
    "api-application-transitions": ('application', "GET", "401 404 200 200 404 404 200 200 200 200"),
    "api-application-reviews": ('application', "GET", "401 404 404 404 404 404 200 200 200 200"),
    "api-opportunity-ranking": ('opportunity', "GET", "401 403 403 403 403 403 403 200 200 200"),
    "api-opportunity-auto-assign": ('opportunity', "POST", "401 403 403 403 403 403 403 400 400 403"),
    "api-review-assignment-list": (None, "GET", "401 200 200 200 200 200 200 200 200 200"),
    "api-review-assignment-detail": ('assignment', "GET", "401 404 404 404 404 404 200 200 200 200"),
    "api-review-assignment-coi": ('assignment', "POST", "401 404 404 404 404 404 400 400 400 400"),
    "api-review-assignment-decline": ('assignment', "POST", "401 404 404 404 404 404 400 400 400 400"),
    "api-review-assignment-scores": ('assignment', "PUT", "401 404 404 404 404 404 400 400 400 400"),
    "api-review-assignment-submit": ('assignment', "POST", "401 404 404 404 404 404 400 403 403 403"),
    "awards-api:terms": ('application', "GET", "401 404 403 403 404 404 403 404 404 404"),
    "awards-api:funds": ('opportunity', "GET", "401 403 403 403 403 403 403 200 200 200"),
    "awards-api:award-list": (None, "GET", "401 200 200 200 200 200 200 200 200 200"),
    "awards-api:award-detail": ('award', "GET", "401 404 200 200 404 404 404 200 200 200"),
    "awards-api:award-accept": ('award', "POST", "401 404 403 200 404 404 404 403 403 403"),
    "awards-api:award-decline": ('award', "POST", "401 404 403 400 404 404 404 403 403 403"),
    "awards-api:award-fire-transition": ('award', "POST", "401 404 403 200 404 404 404 403 403 403"),
    "awards-api:award-letter": ('award', "GET", "401 404 404 404 404 404 404 404 404 404"),
    "awards-api:award-regenerate-letter": ('award', "POST", "401 404 403 403 404 404 404 202 202 403"),
    "awards-api:award-rescind": ('award', "POST", "401 404 403 403 404 404 404 400 400 403"),
    "awards-api:award-schedule": ('award', "GET", "401 404 404 404 404 404 404 404 404 404"),
    "awards-api:award-transitions": ('award', "GET", "401 404 200 200 404 404 404 200 200 200"),
    "api-notification-list": (None, "GET", "401 200 200 200 200 200 200 200 200 200"),
    "api-notification-read-all": (None, "POST", "401 200 200 200 200 200 200 200 200 200"),
    "api-notification-preferences": (None, "GET", "401 200 200 200 200 200 200 200 200 200"),
    "api-notification-read": ('notification', "POST", "401 404 404 200 404 404 404 404 404 404"),
    "api-audit-events": (None, "GET", "401 403 403 403 403 403 403 200 200 200"),
    "api-opportunity-dashboard": ('opportunity', "GET", "401 403 403 403 403 403 403 200 200 200"),
    "api-webhook-endpoint-list": (None, "GET", "401 200 200 200 403 403 403 403 403 403"),
    "api-webhook-endpoint-detail": ('webhook_endpoint', "GET", "401 404 404 200 403 403 403 403 403 403"),
    "api-webhook-endpoint-rotate-secret": ('webhook_endpoint', "POST", "401 404 404 200 403 403 403 403 403 403"),
    "api-webhook-delivery-list": (None, "GET", "401 200 200 200 403 403 403 403 403 403"),
    "api-webhook-delivery-detail": ('webhook_delivery', "GET", "401 404 404 200 403 403 403 403 403 403"),
    "api-webhook-delivery-redeliver": ('webhook_delivery', "POST", "401 404 404 202 403 403 403 403 403 403"),
    "schema": (None, "GET", "200 200 200 200 200 200 200 200 200 200"),
    "api-docs": (None, "GET", "200 200 200 200 200 200 200 200 200 200"),
    "api-integrating": (None, "GET", "200 200 200 200 200 200 200 200 200 200"),
    "api-redoc": (None, "GET", "200 200 200 200 200 200 200 200 200 200"),
    "whitepapers:list": (None, "GET", "302 200 200 200 200 200 200 200 200 200"),
    "whitepapers:create": (None, "GET", "302 404 404 404 404 404 404 404 404 404"),
    "whitepapers:document_download": ("white_paper_document", "GET", "302 404 200 200 404 404 404 200 200 200"),
    "whitepapers:detail": ("white_paper", "GET", "302 404 200 200 404 404 404 200 200 200"),
    "whitepapers:edit": ("white_paper", "GET", "302 404 302 302 404 404 404 403 403 403"),
    "whitepapers:document_upload": ("white_paper", "GET", "302 404 302 302 404 404 404 403 403 403"),
    "whitepapers:transition": ("white_paper", "POST", "302 404 403 403 404 404 404 200 200 403"),
    "api-white-paper-document-download": ("white_paper_document", "GET", "401 404 200 200 404 404 404 200 200 200"),
    "api-white-paper-list": (None, "GET", "401 200 200 200 200 200 200 200 200 200"),
    "api-white-paper-detail": ("white_paper", "GET", "401 404 200 200 404 404 404 200 200 200"),
    "api-white-paper-documents": ("white_paper", "GET", "401 404 200 200 404 404 404 200 200 200"),
    "api-white-paper-fire-transition": ("white_paper", "POST", "401 404 403 403 404 404 404 400 400 403"),
    "api-white-paper-history": ("white_paper", "GET", "401 404 200 200 404 404 404 200 200 200"),
    "api-white-paper-transitions": ("white_paper", "GET", "401 404 200 200 404 404 404 200 200 200"),
    "login_code": (None, "GET", "302 302 302 302 302 302 302 302 302 302"),
    "accounts:security": (None, "GET", "302 200 200 200 200 200 200 200 200 200"),
    "accounts:member_remove": ("organization", "POST", "302 404 403 302 404 404 404 403 403 403"),
    "accounts:invitation_list": (None, "GET", "302 200 200 200 200 200 200 200 200 200"),
    "accounts:invitation_respond": ("invitation", "POST", "302 302 404 404 404 404 404 404 404 404"),
    "api-logout": (None, "POST", "401 204 204 204 204 204 204 204 204 204"),
    "api-organization-remove-member": ("organization", "DELETE", "401 404 403 404 404 404 404 403 403 403"),
    "api-invitation-list": (None, "GET", "401 200 200 200 200 200 200 200 200 200"),
    "api-invitation-accept": ("invitation", "POST", "401 200 404 404 404 404 404 404 404 404"),
    "api-invitation-decline": ("invitation", "POST", "401 200 404 404 404 404 404 404 404 404"),
    # Post-award and payments (object routes against an id that does not exist: 404s, no leak).
    "applications:document_remove": ('document', "POST", "302 404 302 302 404 404 403 403 403 403"),
    "awards:letter_status": ('award', "GET", "302 404 200 200 404 404 404 200 200 200"),
    "payments:queue": (None, "GET", "302 200 200 200 200 200 200 200 200 200"),
    "payments:award": ('award', "GET", "302 404 200 200 404 404 404 200 200 200"),
    "payments:request": ('award', "POST", "302 404 400 400 404 404 404 400 400 400"),
    "payments:disburse": ('award', "POST", "302 404 400 400 404 404 404 400 400 400"),
    "payments:repay": ('award', "POST", "302 404 400 400 404 404 404 400 400 400"),
    "payments:decide": (None, "POST", "302 404 404 404 404 404 404 404 404 404"),
    "postaward:due": (None, "GET", "302 200 200 200 403 403 403 403 403 403"),
    "postaward:portfolio": (None, "GET", "302 403 403 403 403 403 403 200 200 200"),
    "postaward:award": ('award', "GET", "302 404 200 200 404 404 404 200 200 200"),
    "postaward:milestone_create": ('award', "POST", "302 404 302 302 404 404 404 302 302 302"),
    "postaward:document_upload": ('award', "POST", "302 404 302 302 404 404 404 302 302 302"),
    "postaward:modification_propose": ('award', "POST", "302 404 302 302 404 404 404 302 302 302"),
    "postaward:award_transition": ('award', "POST", "302 404 403 403 404 404 404 403 302 403"),
    "postaward:milestone_transition": (None, "POST", "302 404 404 404 404 404 404 404 404 404"),
    "postaward:report": (None, "GET", "302 404 404 404 404 404 404 404 404 404"),
    "postaward:report_transition": (None, "POST", "302 404 404 404 404 404 404 404 404 404"),
    "postaward:modification_transition": (None, "POST", "302 404 404 404 404 404 404 404 404 404"),
    "payments-api:award-payment-requests": ('award', "GET", "401 404 200 200 404 404 404 200 200 200"),
    "payments-api:award-disbursements": ('award', "POST", "401 404 404 404 404 404 404 404 404 404"),
    "payments-api:award-repayments": ('award', "POST", "401 404 404 404 404 404 404 404 404 404"),
    "payments-api:loan-status": ('award', "GET", "401 404 404 404 404 404 404 404 404 404"),
    "payments-api:payment-request-list": (None, "GET", "401 200 200 200 200 200 200 200 200 200"),
    "payments-api:payment-request-detail": (None, "GET", "401 404 404 404 404 404 404 404 404 404"),
    "payments-api:payment-request-fire-transition": (None, "POST", "401 404 404 404 404 404 404 404 404 404"),
    "payments-api:payment-request-transitions": (None, "GET", "401 404 404 404 404 404 404 404 404 404"),
    "postaward-api:award-documents": ('award', "GET", "401 404 200 200 404 404 404 200 200 200"),
    "postaward-api:award-document-download": (None, "GET", "401 404 404 404 404 404 404 404 404 404"),
    "postaward-api:award-milestones": ('award', "GET", "401 404 200 200 404 404 404 200 200 200"),
    "postaward-api:milestone": (None, "GET", "401 404 404 404 404 404 404 404 404 404"),
    "postaward-api:milestone-transition": (None, "POST", "401 404 404 404 404 404 404 404 404 404"),
    "postaward-api:award-reports": ('award', "GET", "401 404 200 200 404 404 404 200 200 200"),
    "postaward-api:report": (None, "GET", "401 404 404 404 404 404 404 404 404 404"),
    "postaward-api:report-transition": (None, "POST", "401 404 404 404 404 404 404 404 404 404"),
    "postaward-api:award-modifications": ('award', "GET", "401 404 200 200 404 404 404 200 200 200"),
    "postaward-api:modification": (None, "GET", "401 404 404 404 404 404 404 404 404 404"),
    "postaward-api:modification-letter": (None, "GET", "401 404 404 404 404 404 404 404 404 404"),
    "postaward-api:due-items": (None, "GET", "401 200 200 200 403 403 403 403 403 403"),
    "postaward-api:portfolio": (None, "GET", "401 403 403 403 403 403 403 200 200 200"),
    "postaward-api:modification-transition": (None, "POST", "401 404 404 404 404 404 404 404 404 404"),
    # SAM exclusions (officers only; the organization is the applicant organization).
    "exclusions:clear": ("organization", "POST", "302 404 403 403 404 404 404 302 302 403"),
    "api-exclusion-check": ("organization", "GET", "401 404 403 403 404 404 404 200 200 403"),
    "api-exclusion-clear": ("organization", "POST", "401 404 403 403 404 404 404 400 400 403"),
}

# ---------------------------------------------------------------- the world


def _world():
    from applications.models import Application

    app = Application.objects.get(pk=ApplicationFactory(status=ApplicationStatus.UNDER_REVIEW).pk)
    org = app.organization
    aor = aor_of(org)
    contributor = MembershipFactory(organization=org, role=MemberRole.CONTRIBUTOR).user
    other = MembershipFactory().user
    reviewer, recused, active = (UserFactory(reviewer=True) for _ in range(3))
    ReviewAssignmentFactory(application=app, reviewer=recused, status=AssignmentStatus.RECUSED)
    assignment = ReviewAssignmentFactory(application=app, reviewer=active, status=AssignmentStatus.ACTIVE)
    awarding = UserFactory(officer=True)
    officer = UserFactory(officer=True, award_authority=False)
    award = issue(negotiation_app(organization=org, project=app.project), officer=awarding)
    document = DocumentFactory(application=app)
    from notifications.choices import NotificationKind
    from notifications.models import Notification

    notification = Notification.objects.create(recipient=aor, kind=NotificationKind.values[0],
                                               subject="Hello", body="Hello")
    from webhooks.choices import EventType
    from webhooks.models import WebhookDelivery, WebhookEndpoint

    endpoint = WebhookEndpoint.objects.create(organization=org, url="https://hooks.example.com/x",
                                              created_by=aor)
    delivery = WebhookDelivery.objects.create(endpoint=endpoint, event_type=EventType.values[0], payload={})
    from accounts.models import Invitation
    from tests.whitepapers.helpers import submitted

    invitation = Invitation.objects.create(organization=org, username=other.username, invitee=other,
                                           invited_by=aor)

    white_paper = submitted(organization=org, aor=aor)
    users = dict(zip(ROLES, (None, other, contributor, aor, reviewer, recused, active, officer, awarding,
                             UserFactory(admin=True)), strict=True))
    objects = {
        "application": app, "organization": org, "project": app.project, "opportunity": app.opportunity,
        "assignment": assignment, "award": award, "document": document, "notification": notification,
        "webhook_endpoint": endpoint, "webhook_delivery": delivery, "mineral": app.project.minerals.first(),
        "invitation": invitation, "white_paper": white_paper, "white_paper_document": white_paper.document,
    }
    return users, objects


# ---------------------------------------------------------------- the routes


def _walk(patterns, prefix="", namespace=None):
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = ":".join(filter(None, (namespace, p.namespace))) or None
            yield from _walk(p.url_patterns, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern):
            # Unnamed routes are keyed by their pattern.
            name = ":".join(filter(None, (namespace, p.name))) if p.name else prefix + str(p.pattern)
            yield prefix + str(p.pattern), name


def all_routes() -> list[tuple[str, str]]:
    """(pattern, url name) of every route; the format-suffix twins DRF adds share a name."""
    seen, out = set(), []
    for pattern, name in _walk(get_resolver().url_patterns):
        if "format" in pattern and "(?P<format>" in pattern:
            continue
        key = name or pattern
        if key not in seen:
            seen.add(key)
            out.append((pattern, key))
    return out


def _url(pattern: str, name: str, obj) -> str:
    """A concrete path for ``pattern`` (Django path converters or DRF regexes)."""
    path = pattern.replace("^", "").replace("$", "")
    path = re.sub(r"<(?:\w+:)?pk>|\(\?P<pk>[^)]*\)", str(getattr(obj, "pk", 1)), path)
    path = re.sub(r"<(?:\w+:)?object_id>|\(\?P<object_id>[^)]*\)", str(getattr(obj, "pk", 1)), path)
    path = re.sub(r"<(?:\w+:)?name>|\(\?P<name>[^)]*\)", NAMES.get(name, "x"), path)
    path = re.sub(r"<(?:\w+:)?answer>", "accept", path)
    path = re.sub(r"<(?:\w+:)?user_id>|\(\?P<user_id>[^)]*\)", "999999", path)  # no such member
    path = re.sub(r"<(?:\w+:)?\w+>|\(\?P<\w+>[^)]*\)", "x", path)
    return "/" + path


def _request(user, method: str, url: str, api: bool) -> int:
    client = APIClient() if api else None
    if api:
        if user is not None:
            client.force_authenticate(user)
    else:
        from django.test import Client

        client = Client()
        if user is not None:
            client.force_login(user)
    with transaction.atomic():
        if method == "GET":
            response = client.get(url)
        elif api:
            response = client.generic(method, url, "{}", content_type="application/json")
        else:
            response = client.generic(method, url, "")
        transaction.set_rollback(True)
    return response.status_code


def _statuses(users, objects, pattern, name, spec) -> str:
    obj_key, method, _ = spec
    url = _url(pattern, name, objects.get(obj_key) if obj_key else None)
    api = url.startswith("/api/v1/")
    return " ".join(str(_request(users[role], method, url, api)) for role in ROLES)


def _is_admin(pattern: str) -> bool:
    return pattern.startswith("admin/")


# The admin's own sign-in and sign-out pages are open to everyone.
ADMIN_OPEN = {"admin:login", "admin:logout"}


def test_admin_routes_are_for_administrators_only():
    users, objects = _world()
    from django.test import Client

    wrong = []
    for pattern, name in all_routes():
        if not _is_admin(pattern) or "<" in pattern:
            continue  # pages of one row are left out for now (see /work/notes/engine.md)
        url = _url(pattern, name, objects["application"])
        for role in ROLES[:-1]:
            client = Client()
            if users[role] is not None:
                client.force_login(users[role])
            response = client.get(url)
            if name in ADMIN_OPEN:
                ok = response.status_code < 500
            else:
                ok = response.status_code == 302 and "/admin/login/" in response["Location"]
            if not ok:
                wrong.append(f"{name} as {role}: {response.status_code}")
        admin = Client()
        admin.force_login(users["admin"])
        if admin.get(url).status_code >= 500:
            wrong.append(f"{name} as admin: server error")
    assert not wrong, "\n".join(wrong)


def test_every_route_has_an_entry():
    missing = [name for pattern, name in all_routes() if not _is_admin(pattern) and name not in ROUTES]
    assert missing == [], "Add these routes to ROUTES in tests/test_route_matrix.py:\n" + "\n".join(missing)
    stale = sorted(set(ROUTES) - {name for _, name in all_routes()})
    assert stale == [], f"ROUTES lists routes that no longer exist: {stale}"


def test_route_matrix():
    users, objects = _world()
    record = os.environ.get("RECORD_ROUTE_MATRIX")
    wrong = []
    for pattern, name in all_routes():
        if _is_admin(pattern) or name not in ROUTES:
            continue
        spec = ROUTES[name]
        if record and spec[2]:
            continue
        got = _statuses(users, objects, pattern, name, spec)
        if record:
            print(f'    "{name}": ({spec[0]!r}, "{spec[1]}", "{got}"),')
        elif got != spec[2]:
            wrong.append(f"{name}: expected {spec[2]!r}, got {got!r}")
    assert not wrong, "\n".join(wrong)
