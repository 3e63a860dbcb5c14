"""The deadline-kind registry: every deadline the reminder sweep watches, declared as data.

A new kind is one ``register(DeadlineKind(...))`` call plus its email templates
(``templates/emails/reminders/<name>.txt`` and ``.html``, and ``<name>_escalation.*`` when it
escalates). Each kind names its model and deadline field (which must be indexed: the sweep
reads it with range queries), the queryset of objects still in the state that needs the
deadline, who is reminded, who is told when it is overdue, and where the links go.

Recipient functions take the due objects as a list and return ``{object pk: [user ids]}``,
so a sweep asks for recipients once per (kind, offset) batch, not once per object.
"""

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.db.models import QuerySet
from django.urls import NoReverseMatch, reverse

Recipients = Callable[[list[Any]], dict[int, list[int]]]


@dataclass(frozen=True)
class DeadlineKind:
    name: str
    label: str
    model: str  # "app_label.ModelName"; the kind is inactive until that model exists
    deadline_field: str
    pending: Callable[[QuerySet], QuerySet]  # objects still in the state that needs the deadline
    recipients: Recipients
    url: Callable[[Any], str]  # site-relative link for the reminded users
    subject: str  # str.format(obj=..., due=...) for reminders before the deadline
    overdue_subject: str
    escalation_recipients: Recipients | None = None  # told once, when overdue
    escalation_subject: str = ""
    escalation_url: Callable[[Any], str] | None = None
    select_related: tuple[str, ...] = ()
    # True when recipients can appear while a window is open (organizations start drafts
    # after the 7-day reminder): the sweep then re-checks every object in its window and
    # relies on the per-recipient unique key alone. Only for kinds with few objects.
    recheck_recipients: bool = False
    time_zone: Callable[[Any], str] | None = None  # the deadline's zone; default the setting

    @property
    def template(self) -> str:
        return f"emails/reminders/{self.name}"

    def model_class(self):
        """The model, or None while its app has not shipped it yet."""
        try:
            model = apps.get_model(self.model)
            model._meta.get_field(self.deadline_field)
        except (LookupError, FieldDoesNotExist):
            return None
        return model

    def queryset(self) -> QuerySet:
        model = self.model_class()
        qs = self.pending(model._default_manager.all())
        return qs.select_related(*self.select_related) if self.select_related else qs

    def zone_name(self, obj) -> str:
        if self.time_zone is not None:
            return self.time_zone(obj)
        return getattr(settings, "NOTIFICATION_DEADLINE_TIME_ZONE", "America/New_York")


REGISTRY: dict[str, DeadlineKind] = {}


def register(kind: DeadlineKind) -> DeadlineKind:
    REGISTRY[kind.name] = kind
    return kind


def available() -> list[DeadlineKind]:
    """Registered kinds whose model is installed (the awards kind waits for its model)."""
    return [kind for kind in REGISTRY.values() if kind.model_class() is not None]


# ---------------------------------------------------------------- helpers


def reverse_or(fallback: str, *candidates: tuple[str, dict]) -> str:
    """The first URL name that reverses, else ``fallback`` (pages land in other issues)."""
    for name, kwargs in candidates:
        try:
            return reverse(name, kwargs=kwargs or None)
        except NoReverseMatch:
            continue
    return fallback


def _members(org_ids: Iterable[int], *, aor_only: bool) -> dict[int, list[int]]:
    from accounts.choices import MemberRole
    from accounts.models import Membership

    qs = Membership.objects.filter(organization_id__in=set(org_ids), user__is_active=True)
    if aor_only:
        qs = qs.filter(role=MemberRole.AUTHORIZED_REPRESENTATIVE)
    out: dict[int, list[int]] = defaultdict(list)
    for org_id, user_id in qs.values_list("organization_id", "user_id"):
        out[org_id].append(user_id)
    return out


def officers_for_opportunities(opportunity_ids: Iterable[int]) -> dict[int, list[int]]:
    """Each opportunity's program officers; all active program officers when it names none."""
    from applications.models import FundingOpportunity
    from dpa_funding import policy

    ids = set(opportunity_ids)
    through = FundingOpportunity.program_officers.through
    out: dict[int, list[int]] = defaultdict(list)
    # Only users who still hold the officer role: escalations name reviewers and new-submission
    # notices name competitors, so a listed user whose role changed must not receive them.
    officers = policy.users_who_may("application.start_screening")
    rows = through.objects.filter(fundingopportunity_id__in=ids, user__in=officers)
    for opp_id, user_id in rows.values_list("fundingopportunity_id", "user_id"):
        out[opp_id].append(user_id)
    missing = ids - set(out)
    if missing:
        everyone = list(officers.values_list("id", flat=True))
        for opp_id in missing:
            out[opp_id] = everyone
    return out


# ---------------------------------------------------------------- opportunity closing


def _opportunity_pending(qs):
    # An opportunity needs its closing reminder while any draft exists (recipients). A
    # two-step opportunity's full applications are due by each white paper's
    # proposal_due_at instead (whitepapers.deadlines), so closes_at reminds nobody there.
    return qs.filter(two_step=False)


def _aors_with_drafts(opps: list) -> dict[int, list[int]]:
    from accounts.choices import MemberRole
    from accounts.models import Membership
    from applications.choices import ApplicationStatus

    rows = (Membership.objects
            .filter(role=MemberRole.AUTHORIZED_REPRESENTATIVE, user__is_active=True,
                    organization__applications__opportunity_id__in=[o.pk for o in opps],
                    organization__applications__status=ApplicationStatus.DRAFT)
            .values_list("organization__applications__opportunity_id", "user_id").distinct())
    out: dict[int, list[int]] = defaultdict(list)
    for opp_id, user_id in rows:
        out[opp_id].append(user_id)
    return out


register(DeadlineKind(
    name="opportunity_closing",
    label="Funding opportunity closing",
    model="applications.FundingOpportunity",
    deadline_field="closes_at",
    pending=_opportunity_pending,
    recipients=_aors_with_drafts,
    url=lambda opp: reverse_or("/applications/", ("applications:list", {})),
    subject="Reminder: {obj.number} closes {due} and your application is still a draft",
    overdue_subject="{obj.number} has closed; your draft application was not submitted",
    recheck_recipients=True,
))


# ---------------------------------------------------------------- revision response due


def _revision_pending(qs):
    from applications.choices import ApplicationStatus

    return qs.filter(status=ApplicationStatus.REVISION_REQUESTED)


def _application_members(applications: list) -> dict[int, list[int]]:
    # All members, contributors too: contributors do the editing a revision needs, and only
    # the AOR can resubmit, so both must know the date.
    by_org = _members((a.organization_id for a in applications), aor_only=False)
    return {a.pk: by_org.get(a.organization_id, []) for a in applications}


def _application_url(app) -> str:
    return reverse_or(f"/applications/{app.pk}/", ("applications:detail", {"pk": app.pk}))


register(DeadlineKind(
    name="revision_response_due",
    label="Revision response due",
    model="applications.Application",
    deadline_field="response_due_at",
    pending=_revision_pending,
    recipients=_application_members,
    url=_application_url,
    subject="Reminder: revised application #{obj.pk} is due {due}",
    overdue_subject="Overdue: the revision of application #{obj.pk} was due {due}",
))


# ---------------------------------------------------------------- review due


def _review_pending(qs):
    """Outstanding assignments of applications that can be reviewed now: while an
    application is back with the applicant for revision, its reviewers are not chased."""
    from applications.choices import ApplicationStatus
    from reviews.choices import AssignmentStatus

    return qs.filter(
        status__in=(AssignmentStatus.PENDING_COI, AssignmentStatus.ACTIVE),
        application__status__in=(ApplicationStatus.SCREENING, ApplicationStatus.UNDER_REVIEW),
    )


def _review_officers(assignments: list) -> dict[int, list[int]]:
    by_opp = officers_for_opportunities(a.application.opportunity_id for a in assignments)
    return {a.pk: by_opp.get(a.application.opportunity_id, []) for a in assignments}


register(DeadlineKind(
    name="review_due",
    label="Merit review due",
    model="reviews.ReviewAssignment",
    deadline_field="due_at",
    pending=_review_pending,
    recipients=lambda assignments: {a.pk: [a.reviewer_id] for a in assignments},
    url=lambda a: reverse_or("/reviews/", ("reviews:workspace", {"pk": a.pk}),
                             ("reviews:assignment", {"pk": a.pk}), ("reviews:workspace", {})),
    subject="Reminder: your review of application #{obj.application_id} is due {due}",
    overdue_subject="Overdue: your review of application #{obj.application_id} was due {due}",
    escalation_recipients=_review_officers,
    escalation_subject="Overdue review: {obj.reviewer} on application #{obj.application_id} (due {due})",
    escalation_url=lambda a: _application_url(a.application),
    select_related=("application", "reviewer"),
))


# ---------------------------------------------------------------- award acceptance due


def _award_pending(qs):
    from awards.choices import AwardStatus

    return qs.filter(status=AwardStatus.PENDING_ACCEPTANCE)


def _award_aors(awards: list) -> dict[int, list[int]]:
    by_org = _members((a.application.organization_id for a in awards), aor_only=True)
    return {a.pk: by_org.get(a.application.organization_id, []) for a in awards}


def _award_officers(awards: list) -> dict[int, list[int]]:
    by_opp = officers_for_opportunities(a.application.opportunity_id for a in awards)
    return {a.pk: by_opp.get(a.application.opportunity_id, []) for a in awards}


register(DeadlineKind(
    name="award_acceptance_due",
    label="Award acceptance due",
    model="awards.Award",
    deadline_field="acceptance_due_at",
    pending=_award_pending,
    recipients=_award_aors,
    url=lambda a: reverse_or(f"/awards/{a.pk}/", ("awards:detail", {"pk": a.pk})),
    subject="Reminder: accept award {obj.award_number} by {due}",
    overdue_subject="Overdue: award {obj.award_number} was not accepted by {due}",
    escalation_recipients=_award_officers,
    escalation_subject="Unaccepted award {obj.award_number} (acceptance was due {due})",
    select_related=("application",),
))
