"""The two deadlines of a two-step solicitation, registered in the notifications sweep's
registry at start-up (apps.ready): white papers closing, and the full proposal due.

Each (deadline, recipient, offset) is sent at most once by ReminderLog's unique key,
like every other kind; a moved proposal_due_at is a new deadline with its own reminders.
"""

from collections import defaultdict

from django.db.models import Exists, OuterRef

from notifications.deadlines import DeadlineKind, _members, register, reverse_or


def _two_step_open(qs):
    # An opportunity needs the reminder while organizations have drafts (the recipients).
    return qs.filter(two_step=True)


def _aors_with_draft_white_papers(opps: list) -> dict[int, list[int]]:
    from accounts.choices import MemberRole
    from accounts.models import Membership

    from .choices import WhitePaperStatus

    rows = (Membership.objects
            .filter(role=MemberRole.AUTHORIZED_REPRESENTATIVE, user__is_active=True,
                    organization__white_papers__opportunity_id__in=[o.pk for o in opps],
                    organization__white_papers__status=WhitePaperStatus.DRAFT)
            .values_list("organization__white_papers__opportunity_id", "user_id").distinct())
    out: dict[int, list[int]] = defaultdict(list)
    for opp_id, user_id in rows:
        out[opp_id].append(user_id)
    return out


def _proposal_pending(qs):
    """Encouraged white papers whose full application has not gone in yet: once it is
    submitted (whatever happens to it next) the reminders stop."""
    from applications.choices import ApplicationStatus
    from applications.models import Application

    from .choices import WhitePaperStatus

    sent = Application.objects.filter(white_paper_id=OuterRef("pk")).exclude(status=ApplicationStatus.DRAFT)
    return qs.filter(status=WhitePaperStatus.ENCOURAGED).filter(~Exists(sent))


def _white_paper_members(papers: list) -> dict[int, list[int]]:
    # Every member: contributors prepare the proposal, the AOR submits it.
    by_org = _members((p.organization_id for p in papers), aor_only=False)
    return {p.pk: by_org.get(p.organization_id, []) for p in papers}


WHITE_PAPER_CLOSING = register(DeadlineKind(
    name="white_paper_closing",
    label="White papers due",
    model="applications.FundingOpportunity",
    deadline_field="white_paper_closes_at",
    pending=_two_step_open,
    recipients=_aors_with_draft_white_papers,
    url=lambda opp: reverse_or("/white-papers/", ("whitepapers:list", {})),
    subject="Reminder: white papers for {obj.number} are due {due} and yours is still a draft",
    overdue_subject="White papers for {obj.number} closed {due}; your draft white paper was not submitted",
    recheck_recipients=True,
))

PROPOSAL_DUE = register(DeadlineKind(
    name="proposal_due",
    label="Full proposal due",
    model="whitepapers.WhitePaper",
    deadline_field="proposal_due_at",
    pending=_proposal_pending,
    recipients=_white_paper_members,
    url=lambda wp: reverse_or(f"/white-papers/{wp.pk}/", ("whitepapers:detail", {"pk": wp.pk})),
    subject="Reminder: the full proposal for white paper #{obj.pk} is due {due}",
    overdue_subject="Overdue: the full proposal for white paper #{obj.pk} was due {due}",
    select_related=("opportunity",),
))
