"""Milestones and reports as deadline kinds of the reminder sweep (notifications.deadlines).

Reminded: every member of the recipient organization (contributors write reports too);
told when overdue: the opportunity's program officers. The names start with "milestone"
and "report", which the webhooks app announces as "deadline.due" events, written in the
sweep's transaction.
"""

from notifications.deadlines import (
    DeadlineKind,
    _members,
    officers_for_opportunities,
    register,
    reverse_or,
)

from .choices import MilestoneStatus, ReportStatus

AWARD_ACTIVE = ("accepted", "closeout")  # awards.choices.AwardStatus values


def _org_members(objects: list) -> dict[int, list[int]]:
    by_org = _members((o.award.application.organization_id for o in objects), aor_only=False)
    return {o.pk: by_org.get(o.award.application.organization_id, []) for o in objects}


def _officers(objects: list) -> dict[int, list[int]]:
    by_opp = officers_for_opportunities(o.award.application.opportunity_id for o in objects)
    return {o.pk: by_opp.get(o.award.application.opportunity_id, []) for o in objects}


def _award_url(obj) -> str:
    return reverse_or(f"/awards/{obj.award_id}/", ("postaward:award", {"pk": obj.award_id}),
                      ("awards:detail", {"pk": obj.award_id}))


register(DeadlineKind(
    name="milestone_due",
    label="Milestone due",
    model="postaward.Milestone",
    deadline_field="due_at",
    pending=lambda qs: qs.filter(status=MilestoneStatus.DUE, award__status__in=AWARD_ACTIVE),
    recipients=_org_members,
    url=_award_url,
    subject="Reminder: milestone \"{obj.title}\" of award {obj.award.award_number} is due {due}",
    overdue_subject="Overdue: milestone \"{obj.title}\" of award {obj.award.award_number} was due {due}",
    escalation_recipients=_officers,
    escalation_subject="Overdue milestone on award {obj.award.award_number}: {obj.title} (due {due})",
    select_related=("award__application",),
))

register(DeadlineKind(
    name="report_due",
    label="Report due",
    model="postaward.Report",
    deadline_field="due_at",
    pending=lambda qs: qs.filter(status=ReportStatus.DUE, award__status__in=AWARD_ACTIVE),
    recipients=_org_members,
    url=lambda r: reverse_or(f"/reports/{r.pk}/", ("postaward:report", {"pk": r.pk})),
    subject="Reminder: {obj} for award {obj.award.award_number} is due {due}",
    overdue_subject="Overdue: {obj} for award {obj.award.award_number} was due {due}",
    escalation_recipients=_officers,
    escalation_subject="Overdue report on award {obj.award.award_number}: {obj} (due {due})",
    escalation_url=_award_url,
    select_related=("award__application",),
))
