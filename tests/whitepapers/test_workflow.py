"""The white-paper workflow through its one door: states and transitions exactly as in
domain.md, roles from the policy, every unmet guard reported, failures change nothing,
every change logged and audited, decisions notified to the organization."""

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.utils import timezone

from applications.models import TransitionLog
from audit.models import AuditEvent
from dpa_funding.errors import (
    ConditionsUnmet,
    InvalidTransition,
    NotPermitted,
    UnsupportedMediaType,
    ValidationFailed,
)
from notifications.models import Notification
from tests.factories import OpportunityFactory, UserFactory
from whitepapers import services, workflow
from whitepapers.choices import WhitePaperStatus as S
from whitepapers.models import WhitePaper

from .helpers import (
    D,
    aor_for,
    contributor_of,
    discouraged,
    draft,
    encouraged,
    organization_with_aor,
    pdf_upload,
    submitted,
    two_step_opportunity,
)

pytestmark = pytest.mark.django_db


def fire(wp, name, actor, **data):
    return services.white_paper_transition(white_paper_id=wp.pk, name=name, actor=actor, data=data)


def log_rows(wp):
    return TransitionLog.objects.filter(content_type=ContentType.objects.get_for_model(WhitePaper), object_id=wp.pk)


def test_the_table_is_domain_md():
    table = {t.name: (tuple(t.sources), t.target) for t in workflow.TRANSITIONS.values()}
    assert table == {
        "submit": ((S.DRAFT,), S.SUBMITTED),
        "encourage": ((S.SUBMITTED,), S.ENCOURAGED),
        "discourage": ((S.SUBMITTED,), S.DISCOURAGED),
        "withdraw": ((S.DRAFT, S.SUBMITTED), S.WITHDRAWN),
    }


def test_submit_lists_every_unmet_condition_and_changes_nothing():
    opp = two_step_opportunity(white_paper_closes_at=timezone.now() + D)
    wp = draft(opportunity=opp, document=False, summary="")
    WhitePaper.objects.filter(pk=wp.pk).update(federal_amount_estimate=opp.max_award + 1)
    opp.white_paper_closes_at = timezone.now() - dt.timedelta(minutes=1)
    opp.save()
    with pytest.raises(ConditionsUnmet) as exc:
        fire(wp, "submit", aor_for(wp))
    unmet = " | ".join(exc.value.unmet)
    assert "White papers were due by" in unmet
    assert "Provide a summary." in unmet
    assert "exceeds the maximum award" in unmet
    assert "Upload the white paper" in unmet
    assert WhitePaper.objects.get(pk=wp.pk).status == S.DRAFT
    assert not log_rows(wp).exists()


def test_submit_by_the_aor_logs_audits_and_tells_the_officers(django_capture_on_commit_callbacks):
    officer = UserFactory(officer=True)
    wp = draft()
    wp.opportunity.program_officers.add(officer)
    wp = fire(wp, "submit", aor_for(wp))
    assert wp.status == S.SUBMITTED and wp.submitted_at is not None
    row = log_rows(wp).get()
    assert (row.transition, row.from_state, row.to_state) == ("submit", "draft", "submitted")
    event = AuditEvent.objects.filter(object_type="whitepapers.whitepaper", object_id=wp.pk, action="submit").get()
    # One event for the transition, holding the other column it changed (submitted_at).
    assert event.changes["after"]["status"] == "submitted"
    assert event.changes["before"] == {"status": "draft", "submitted_at": None}
    assert event.changes["after"]["submitted_at"] is not None
    assert Notification.objects.filter(recipient=officer, kind="new_submission").count() == 1


def test_a_contributor_may_draft_but_not_submit_or_withdraw():
    wp = draft()
    contributor = contributor_of(wp.organization)
    services.white_paper_update(actor=contributor, white_paper=wp, title="Edited by a contributor")
    for name in ("submit", "withdraw"):
        with pytest.raises(NotPermitted):
            fire(wp, name, contributor)
    assert WhitePaper.objects.get(pk=wp.pk).status == S.DRAFT


def test_only_officers_encourage_and_discourage():
    wp = submitted()
    for name in ("encourage", "discourage"):
        with pytest.raises(NotPermitted):
            fire(wp, name, aor_for(wp), comment="x", proposal_due_at=timezone.now() + 30 * D)
    admin = UserFactory(admin=True)
    with pytest.raises(NotPermitted):  # separation of duties: admins never decide
        fire(wp, "encourage", admin, proposal_due_at=timezone.now() + 30 * D)
    assert WhitePaper.objects.get(pk=wp.pk).status == S.SUBMITTED


def test_encourage_needs_a_future_proposal_due_date():
    wp = submitted()
    officer = UserFactory(officer=True)
    with pytest.raises(ConditionsUnmet) as exc:
        fire(wp, "encourage", officer)
    assert "proposal_due_at" in exc.value.unmet[0]
    with pytest.raises(ConditionsUnmet) as exc:
        fire(wp, "encourage", officer, proposal_due_at=timezone.now() - D)
    assert exc.value.unmet == ["The proposal due date must be in the future."]
    assert WhitePaper.objects.get(pk=wp.pk).proposal_due_at is None


def test_encourage_records_the_due_date_and_tells_every_member(settings, django_capture_on_commit_callbacks,
                                                               celery_eager):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    org, aor = organization_with_aor()
    contributor = contributor_of(org)
    officer = UserFactory(officer=True)
    due = timezone.now() + 21 * D
    with django_capture_on_commit_callbacks(execute=True):
        wp = encouraged(organization=org, aor=aor, officer=officer, due=due)
    assert (wp.status, wp.proposal_due_at, wp.decided_by) == (S.ENCOURAGED, due, officer)
    notes = Notification.objects.filter(object_id=wp.pk, kind="application_status")
    assert set(notes.values_list("recipient_id", flat=True)) == {aor.pk, contributor.pk}
    note = notes.get(recipient=aor)
    assert "encouraged" in note.subject and note.url == f"/white-papers/{wp.pk}/"
    assert "Please send a full proposal." in note.body
    assert {m.to[0] for m in mail.outbox} >= {aor.email, contributor.email}


def test_discourage_needs_a_comment_and_shows_it_to_the_organization():
    wp = submitted()
    officer = UserFactory(officer=True)
    with pytest.raises(ConditionsUnmet):
        fire(wp, "discourage", officer, comment="  ")
    wp = fire(wp, "discourage", officer, comment="Outside the program's priorities.")
    assert wp.status == S.DISCOURAGED
    note = Notification.objects.get(recipient=aor_for(wp), object_id=wp.pk, kind="application_status")
    assert "not encouraged" in note.subject and "Outside the program's priorities." in note.body
    assert log_rows(wp).get(transition="discourage").comment_internal is False


@pytest.mark.parametrize("make", [draft, submitted])
def test_withdraw_from_draft_or_submitted(make):
    wp = make()
    assert fire(wp, "withdraw", aor_for(wp)).status == S.WITHDRAWN


@pytest.mark.parametrize("make,name", [(encouraged, "withdraw"), (discouraged, "withdraw"),
                                       (encouraged, "discourage"), (draft, "encourage")])
def test_transitions_outside_the_table_are_refused(make, name):
    wp = make()
    actor = UserFactory(officer=True) if name in ("encourage", "discourage") else aor_for(wp)
    before = log_rows(wp).count()
    with pytest.raises(InvalidTransition):
        fire(wp, name, actor, comment="x", proposal_due_at=timezone.now() + D)
    assert WhitePaper.objects.get(pk=wp.pk).status == wp.status
    assert log_rows(wp).count() == before


def test_white_papers_go_only_to_open_two_step_opportunities():
    org, aor = organization_with_aor()
    from tests.factories import ProjectFactory

    project = ProjectFactory(organization=org)
    single = OpportunityFactory()
    closed = two_step_opportunity(white_paper_closes_at=timezone.now() - D)
    for opp in (single, closed):
        with pytest.raises(ValidationFailed) as exc:
            services.white_paper_create(actor=aor, opportunity=opp, organization=org, project=project, title="t",
                                        instrument="grant", federal_amount_estimate=1, summary="s")
        assert "opportunity" in exc.value.errors


def test_the_document_is_one_pdf_of_at_most_ten_pages_replaced_by_a_new_upload():
    wp = draft(document=False)
    aor = aor_for(wp)
    with pytest.raises(ValidationFailed) as exc:
        services.white_paper_document_upload(actor=aor, white_paper=wp, uploaded=pdf_upload(11))
    assert "at most 10 pages" in exc.value.errors["file"][0]
    from django.core.files.uploadedfile import SimpleUploadedFile

    png = SimpleUploadedFile("wp.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 64, content_type="image/png")
    with pytest.raises(UnsupportedMediaType):
        services.white_paper_document_upload(actor=aor, white_paper=wp, uploaded=png)
    first = services.white_paper_document_upload(actor=aor, white_paper=wp, uploaded=pdf_upload(10))
    second = services.white_paper_document_upload(actor=aor, white_paper=wp, uploaded=pdf_upload(2))
    assert second.pages == 2 and not type(first).objects.filter(pk=first.pk).exists()
    fire(wp, "submit", aor)
    with pytest.raises(InvalidTransition):
        services.white_paper_document_upload(actor=aor, white_paper=wp, uploaded=pdf_upload(2))


def test_record_changes_are_audited():
    wp = draft()
    services.white_paper_update(actor=aor_for(wp), white_paper=wp, title="A better title")
    events = AuditEvent.objects.filter(object_type="whitepapers.whitepaper", object_id=wp.pk)
    assert events.filter(action="create").exists()
    assert events.filter(action="update", changes__after__title="A better title").exists()
