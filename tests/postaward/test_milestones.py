"""Milestones: set by officers, evidence (documents, comment) from members, accepted or
returned by officers, all through the one door."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from dpa_funding.errors import ConditionsUnmet, NotPermitted, ValidationFailed
from postaward import services
from postaward.choices import MilestoneStatus
from tests.factories import pdf_bytes

from .helpers import accepted_award, aor, contributor, officer

pytestmark = pytest.mark.django_db


def _milestone(award, days=30):
    return services.milestone_create(actor=officer(), award=award, title="Pilot plant commissioned",
                                     due_date=award.period_start + dt.timedelta(days=days))


def _upload(award, user):
    return services.award_document_upload(
        actor=user, award=award, uploaded=SimpleUploadedFile("evidence.pdf", pdf_bytes("Commissioning"),
                                                             content_type="application/pdf"))


def test_officer_sets_a_milestone_due_at_five_pm_eastern():
    award = accepted_award()
    milestone = _milestone(award)
    assert milestone.status == MilestoneStatus.DUE
    assert milestone.due_at.astimezone(dt.UTC).hour in (21, 22)  # 17:00 EDT/EST


def test_milestone_rules_report_every_problem():
    award = accepted_award()
    with pytest.raises(ValidationFailed) as exc:
        services.milestone_create(actor=officer(), award=award, title=" ",
                                  due_date=award.period_end + dt.timedelta(days=1))
    assert set(exc.value.errors) == {"title", "due_date"}


def test_applicant_cannot_set_milestones():
    award = accepted_award()
    with pytest.raises(NotPermitted):
        services.milestone_create(actor=aor(award), award=award, title="x", due_date=award.period_start)


def test_member_submits_evidence_and_officer_accepts():
    award = accepted_award()
    milestone = _milestone(award)
    member = contributor(award)
    doc = _upload(award, member)
    milestone = services.transition(milestone, "submit", actor=member,
                                    data={"comment": "Commissioned on schedule.", "documents": [doc.pk]})
    assert milestone.status == MilestoneStatus.SUBMITTED
    assert list(milestone.evidence_documents.all()) == [doc]
    assert milestone.evidence_comment == "Commissioned on schedule."
    milestone = services.transition(milestone, "accept", actor=officer())
    assert milestone.status == MilestoneStatus.ACCEPTED and milestone.accepted_at


def test_evidence_is_required_and_only_this_awards_documents_count():
    award, other = accepted_award(), accepted_award()
    milestone = _milestone(award)
    foreign = _upload(other, aor(other))
    with pytest.raises(ConditionsUnmet) as exc:
        services.transition(milestone, "submit", actor=aor(award), data={})
    assert "comment or attach" in exc.value.unmet[0]
    with pytest.raises(ConditionsUnmet) as exc:
        services.transition(milestone, "submit", actor=aor(award), data={"documents": [foreign.pk]})
    assert str(foreign.pk) in exc.value.unmet[0]
    milestone.refresh_from_db()
    assert milestone.status == MilestoneStatus.DUE and milestone.evidence_documents.count() == 0


def test_return_needs_a_comment_and_reopens_the_milestone():
    award = accepted_award()
    milestone = _milestone(award)
    services.transition(milestone, "submit", actor=aor(award), data={"comment": "Done."})
    with pytest.raises(ConditionsUnmet):
        services.transition(milestone, "return", actor=officer(), data={})
    milestone = services.transition(milestone, "return", actor=officer(), data={"comment": "Attach the test log."})
    assert milestone.status == MilestoneStatus.DUE


def test_uploads_are_checked_by_content():
    from dpa_funding.errors import UnsupportedMediaType

    award = accepted_award()
    with pytest.raises(UnsupportedMediaType):
        services.award_document_upload(actor=aor(award), award=award,
                                       uploaded=SimpleUploadedFile("x.pdf", b"MZ\x90\x00 not a pdf at all"))
