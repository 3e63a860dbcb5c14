"""Guards and effects of the post-award lifecycles (named in postaward.workflow and, for
closeout and the reporting schedule, in awards.workflow). Registered at import."""

from django.utils import timezone

from awards.choices import AwardStatus
from dpa_funding import lifecycle

from . import services
from .choices import ReportStatus
from .models import AwardDocument, Report
from .reportdata import PROGRESS_LABELS, SF425_LABELS, report_data_errors


def _award_active(obj) -> list[str]:
    award = obj.award
    if award.status not in services.ACTIVE_AWARD_STATES:
        return [f"The award is {award.get_status_display().lower()}."]
    return []


# ---------------------------------------------------------------- milestones


@lifecycle.guard("postaward.award_active")
def award_active(obj, actor, data) -> list[str]:
    return _award_active(obj)


def _document_ids(data) -> list:
    ids = data.get("documents") or []
    return list(ids) if isinstance(ids, list | tuple) else [ids]


@lifecycle.guard("postaward.milestone_evidence_given")
def milestone_evidence_given(milestone, actor, data) -> list[str]:
    """A comment or at least one document of this award, and only this award's documents."""
    unmet = []
    ids = _document_ids(data)
    if not (data.get("comment") or "").strip() and not ids:
        unmet.append("Describe the evidence in a comment or attach at least one document.")
    if ids:
        if not all(isinstance(i, int) and not isinstance(i, bool) for i in ids):
            unmet.append("Documents are given by their ids.")
        else:
            found = set(AwardDocument.objects.filter(award_id=milestone.award_id, pk__in=ids)
                        .values_list("pk", flat=True))
            missing = sorted(set(ids) - found)
            if missing:
                unmet.append(f"These documents are not attached to this award: {', '.join(map(str, missing))}.")
    return unmet


@lifecycle.effect("postaward.milestone_record_evidence")
def milestone_record_evidence(milestone, actor, data) -> None:
    milestone.evidence_comment = (data.get("comment") or "").strip()
    milestone.submitted_by, milestone.submitted_at = actor, timezone.now()
    milestone.evidence_documents.set(AwardDocument.objects.filter(award_id=milestone.award_id,
                                                                  pk__in=_document_ids(data)))


@lifecycle.effect("postaward.milestone_stamp_accepted")
def milestone_stamp_accepted(milestone, actor, data) -> None:
    milestone.accepted_at = timezone.now()


# ---------------------------------------------------------------- reports


@lifecycle.guard("postaward.report_complete")
def report_complete(report, actor, data) -> list[str]:
    """The saved form passes every rule (all problems listed)."""
    _, errors = report_data_errors(report, report.data or {})
    labels = {**SF425_LABELS, **PROGRESS_LABELS}
    return [f"{labels.get(name, name)}: {message}" for name, messages in errors.items() for message in messages]


@lifecycle.effect("postaward.report_stamp_submitted")
def report_stamp_submitted(report, actor, data) -> None:
    report.submitted_by, report.submitted_at = actor, timezone.now()


@lifecycle.effect("postaward.report_stamp_accepted")
def report_stamp_accepted(report, actor, data) -> None:
    report.accepted_at = timezone.now()


# ---------------------------------------------------------------- modifications


@lifecycle.guard("postaward.modification_still_valid")
def modification_still_valid(modification, actor, data) -> list[str]:
    return services.modification_still_valid(modification)


@lifecycle.guard("postaward.modification_budget_available")
def modification_budget_available(modification, actor, data) -> list[str]:
    return services.modification_budget_unmet(modification)


@lifecycle.effect("postaward.modification_apply")
def modification_apply(modification, actor, data) -> None:
    services.modification_apply(modification=modification, actor=actor)


@lifecycle.effect("postaward.modification_stamp_decided")
def modification_stamp_decided(modification, actor, data) -> None:
    modification.decided_by, modification.decided_at = actor, timezone.now()


# ---------------------------------------------------------------- the award (awards.workflow)


@lifecycle.effect("postaward.generate_reporting_schedule")
def generate_reporting_schedule(award, actor, data) -> None:
    """At acceptance: the reporting schedule of the period of performance."""
    services.reports_generate(award=award, actor=actor)


@lifecycle.guard("postaward.period_ended")
def period_ended(award, actor, data) -> list[str]:
    if timezone.localdate() <= award.period_end:
        return [f"The period of performance runs until {award.period_end:%m/%d/%Y}."]
    return []


@lifecycle.guard("postaward.final_reports_accepted")
def final_reports_accepted(award, actor, data) -> list[str]:
    finals = list(Report.objects.filter(award=award, final=True))
    if not finals:
        return ["The award has no final reports."]
    return [f"The final {r.get_kind_display().lower()} is {r.get_status_display().lower()}, not accepted."
            for r in finals if r.status != ReportStatus.ACCEPTED]


@lifecycle.effect("postaward.deobligate_unliquidated")
def deobligate_unliquidated(award, actor, data) -> None:
    """At close: release the unliquidated balance back to the opportunity."""
    services.award_deobligate_at_close(award=award, actor=actor)


CLOSEOUT_SOURCE = AwardStatus.ACCEPTED
