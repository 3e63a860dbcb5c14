"""Django admin: every registered model's changelist renders; workflow records are protected."""

import datetime as dt

import pytest
from django.contrib import admin
from django.urls import reverse
from django.utils import timezone

from applications.choices import ApplicationStatus
from applications.models import Application, IdempotencyRecord, Mineral, TransitionLog
from applications.services import application_transition
from reviews.models import CriterionScore, ReviewAssignment
from tests.factories import ApplicationFactory, UserFactory, aor_of

pytestmark = pytest.mark.django_db

REGISTERED = sorted(admin.site._registry, key=lambda m: m._meta.label)


def _url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(admin=True))
    return client


@pytest.fixture
def sample_data():
    """One row in each of our models so changelists render real rows, not just empty tables."""
    app = ApplicationFactory(ready=True)
    application_transition(application_id=app.pk, name="submit", actor=aor_of(app.organization))
    reviewer = UserFactory(reviewer=True)
    assignment = ReviewAssignment.objects.create(
        application=app, reviewer=reviewer, due_at=timezone.now() + dt.timedelta(days=14), status="active"
    )
    CriterionScore.objects.create(assignment=assignment, criterion=app.opportunity.rubric.first(), score=4)
    IdempotencyRecord.objects.create(user=reviewer, key="k1", scope="POST /x", request_hash="0" * 64,
                                     response_status=201, response_body={})
    return app


def test_the_admin_registers_every_model_of_our_apps():
    labels = {m._meta.label for m in REGISTERED}
    assert {
        "accounts.User", "accounts.Organization", "accounts.Membership",
        "applications.Mineral", "applications.Project", "applications.FundingOpportunity",
        "applications.Application", "applications.Document", "applications.TransitionLog",
        "applications.IdempotencyRecord", "reviews.ReviewAssignment",
    } <= labels


@pytest.mark.parametrize("model", REGISTERED, ids=lambda m: m._meta.label)
def test_changelist_renders_for_a_superuser(admin_client, sample_data, model):
    resp = admin_client.get(_url(model, "changelist"))
    assert resp.status_code == 200


OURS = [m for m in REGISTERED if m._meta.app_label in ("accounts", "applications", "reviews")]


@pytest.mark.parametrize("model", OURS, ids=lambda m: m._meta.label)
def test_change_page_of_the_first_row_renders(admin_client, sample_data, model):
    obj = model._default_manager.order_by("pk").first()
    assert obj is not None, f"sample_data should create a {model._meta.label}"
    assert admin_client.get(_url(model, "change", obj.pk)).status_code == 200


def test_transition_log_admin_has_no_add_change_or_delete(admin_client, sample_data):
    log = TransitionLog.objects.get()
    model_admin = admin.site._registry[TransitionLog]
    request = admin_client.get(_url(TransitionLog, "changelist")).wsgi_request
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request, log)
    assert not model_admin.has_delete_permission(request, log)
    assert admin_client.get(_url(TransitionLog, "add")).status_code == 403
    assert admin_client.post(_url(TransitionLog, "delete", log.pk), {"post": "yes"}).status_code == 403
    page = admin_client.get(_url(TransitionLog, "change", log.pk)).content.decode()
    assert 'name="_save"' not in page
    assert TransitionLog.objects.filter(pk=log.pk).exists()


def test_application_status_is_read_only_in_the_admin(admin_client, sample_data):
    app = sample_data
    page = admin_client.get(_url(Application, "change", app.pk))
    assert "status" not in page.context["adminform"].form.fields
    assert "Submitted" in page.content.decode()
    form = page.context["adminform"].form
    data = {name: "" if form[name].value() is None else form[name].value() for name in form.fields}
    data.update({"title": "Renamed by admin", "status": ApplicationStatus.AWARDED,
                 "documents-TOTAL_FORMS": "2", "documents-INITIAL_FORMS": "2",
                 "documents-MIN_NUM_FORMS": "0", "documents-MAX_NUM_FORMS": "1000"})
    for i, doc in enumerate(app.documents.order_by("uploaded_at", "id")):
        data[f"documents-{i}-id"] = doc.pk
        data[f"documents-{i}-application"] = app.pk
    resp = admin_client.post(_url(Application, "change", app.pk), data)
    assert resp.status_code == 302, resp.context["adminform"].form.errors if resp.context else resp
    app.refresh_from_db()
    assert app.title == "Renamed by admin" and app.status == ApplicationStatus.SUBMITTED


def test_minerals_can_be_added_by_an_administrator(admin_client):
    resp = admin_client.post(_url(Mineral, "add"), {
        "name": "unobtainium", "symbol": "Uo", "group": "other", "designation_note": "NEDC Chair designation",
    })
    assert resp.status_code == 302, resp.context["adminform"].form.errors if resp.context else resp
    assert Mineral.objects.get(name="unobtainium").designation_note == "NEDC Chair designation"


def test_document_and_review_admin_are_read_only(admin_client, sample_data):
    from applications.models import Document

    doc = Document.objects.first()
    assert admin_client.get(_url(Document, "add")).status_code == 403
    assert admin_client.post(_url(Document, "delete", doc.pk), {"post": "yes"}).status_code == 403
    assert admin_client.get(_url(ReviewAssignment, "add")).status_code == 403
    assignment = ReviewAssignment.objects.get()
    assert admin_client.post(_url(ReviewAssignment, "delete", assignment.pk), {"post": "yes"}).status_code == 403
    assert admin_client.get(_url(IdempotencyRecord, "add")).status_code == 403


def test_admin_is_closed_to_applicants(client):
    client.force_login(UserFactory())
    resp = client.get(_url(Application, "changelist"))
    assert resp.status_code == 302 and "/admin/login/" in resp["Location"]


def test_review_assignment_admin_edits_only_the_due_date(admin_client, sample_data):
    assignment = ReviewAssignment.objects.get()
    form = admin_client.get(_url(ReviewAssignment, "change", assignment.pk)).context["adminform"].form
    assert list(form.fields) == ["due_at"]
