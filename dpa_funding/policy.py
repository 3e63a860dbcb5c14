"""The one answer to "may this user do this (to that)?" (domain.md, "People and roles").

Every permission question in the project is asked here, by action name:

    policy.may(user, "application.submit", application) -> bool
    policy.require(user, "application.submit", application)   # raises NotPermitted (403)
    Model.objects.restrict(user, "view")                       # what the user may see (404)

Services call ``require``; DRF permission classes, HTML views, template flags
(``{% may "award.accept" award as can_accept %}``) and exports only ask ``may`` or
``restrict``. No role string is compared anywhere else.

The rules are django-rules predicates (composable with ``&``, ``|`` and ``~``) kept in a
private rule set, so they never leak into Django's global permission backend. Roles:

- applicant: acts through organizations it belongs to; the organization's
  authorized representative (AOR) signs, submits, withdraws and accepts;
- reviewer: sees only applications assigned to it after certifying no conflict;
- program_officer: everything on opportunities and applications; issuing an award needs
  award authority;
- admin: reads everything, manages users and reference data, and never fires officer
  transitions, reviews or awards (separation of duties, NIST SP 800-53 AC-5).

To add an action: add one ``_RULES.add_rule(...)`` line below (and a message in
``_MESSAGES`` when the default is not clear enough). To make a new model restrictable:
give it a ``RestrictedQuerySet`` manager and register its scopes with ``@_scope``; the
system check ``policy.E001`` fails at start-up for a restricted model without a "view"
scope.
"""

from __future__ import annotations

from collections.abc import Callable

import rules
from django.apps import apps
from django.conf import settings
from django.core import checks
from django.db.models import OuterRef, Q, Subquery

from accounts.choices import MemberRole, Role
from dpa_funding.errors import NotPermitted
from dpa_funding.request_context import current_request_id

_RULES = rules.RuleSet()

# Review assignment states that let a reviewer read the application (reviews.choices
# ACCESS_STATES; repeated as values so this module imports no models at load time).
REVIEWER_ACCESS_STATES = ("active", "submitted")


# ---------------------------------------------------------------- who the user is


@rules.predicate
def is_authenticated(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


@rules.predicate
def is_applicant(user) -> bool:
    return is_authenticated(user) and user.role == Role.APPLICANT


@rules.predicate
def is_reviewer(user) -> bool:
    return is_authenticated(user) and user.role == Role.REVIEWER


@rules.predicate
def is_officer(user) -> bool:
    return is_authenticated(user) and user.role == Role.PROGRAM_OFFICER


@rules.predicate
def has_award_authority(user) -> bool:
    return is_officer(user) and bool(user.award_authority)


@rules.predicate
def is_admin(user) -> bool:
    return is_authenticated(user) and (user.role == Role.ADMIN or user.is_superuser)


# Federal staff who read every application, organization and award.
is_federal_reader = is_officer | is_admin


@rules.predicate
def is_federal_staff(user) -> bool:
    """Reviewers, officers and administrators, and any account the admin flagged as staff."""
    return is_authenticated(user) and (user.role != Role.APPLICANT or user.is_staff or user.is_superuser)


# ---------------------------------------------------------------- the user's relation to the object


def organization_id_of(obj) -> int | None:
    """The applicant organization an object belongs to (None when it belongs to none)."""
    if obj is None:
        return None
    if obj._meta.label_lower == "accounts.organization":
        return obj.pk
    if hasattr(obj, "organization_id"):
        return obj.organization_id
    for attr in ("application", "award", "assignment", "white_paper"):
        related = getattr(obj, attr, None) if hasattr(type(obj), attr) else None
        if related is not None:
            return organization_id_of(related)
    return None


def member_role(user, organization_id: int | None) -> str | None:
    """The user's role in the organization, or None when not a member."""
    if organization_id is None or not is_authenticated(user):
        return None
    Membership = apps.get_model("accounts", "Membership")

    def lookup():
        return (Membership.objects.filter(user=user, organization_id=organization_id)
                .values_list("role", flat=True).first())

    # Asked two or three times per request (permission, guards, serializer): remember the
    # answer for the current request only (keyed by its id), never across requests.
    roles = _request_roles(user)
    if roles is None:
        return lookup()
    if organization_id not in roles:
        roles[organization_id] = lookup()
    return roles[organization_id]


def _request_roles(user) -> dict | None:
    """The roles remembered for ``user`` in the current request (None outside a request)."""
    request_id = current_request_id()
    if request_id is None:
        return None
    cached_for, roles = user.__dict__.get("_member_roles", (None, {}))
    if cached_for != request_id:
        roles = {}
        user.__dict__["_member_roles"] = (request_id, roles)
    return roles


_READ_ROLE = "_actor_role"


def with_member_role(queryset, user, organization_ref: str = "organization_id"):
    """``queryset`` with ``member_role`` as a column of a statement the request makes anyway
    (the locking read of an application, the lookup of the organization applied for):
    ``user``'s role in the organization named by each row's ``organization_ref``, NULL when
    not a member (the same rows ``member_role`` reads; memberships are unique per user and
    organization). Hand each row read to ``remember_member_role``."""
    if not is_authenticated(user):
        return queryset
    Membership = apps.get_model("accounts", "Membership")
    role = Subquery(Membership.objects.filter(user=user, organization_id=OuterRef(organization_ref))
                    .order_by("pk").values("role")[:1])
    return queryset.annotate(**{_READ_ROLE: role})


def remember_member_role(obj, user, organization_id: int | None) -> None:
    """Seed the current request's answer to ``member_role(user, organization_id)`` with the
    role ``with_member_role`` read on ``obj`` (and take it off the object), so the policy's
    next question costs no statement. The role is as fresh as a read of its own would be:
    it comes from the same transaction, and nothing orders a membership change against that
    row's lock either way. Outside a request nothing is remembered."""
    if _READ_ROLE not in obj.__dict__:
        return
    role = obj.__dict__.pop(_READ_ROLE)
    roles = _request_roles(user) if organization_id is not None else None
    if roles is not None:
        roles[organization_id] = role


def forget_member_roles(user) -> None:
    """Call after changing the user's memberships inside a request."""
    user.__dict__.pop("_member_roles", None)


def is_aor_of_organization(user, organization_id: int | None) -> bool:
    return member_role(user, organization_id) == MemberRole.AUTHORIZED_REPRESENTATIVE


@rules.predicate
def no_object(user, obj) -> bool:
    """For page-level questions ("may they create any?") asked without an object."""
    return obj is None


@rules.predicate
def is_member(user, obj) -> bool:
    return member_role(user, organization_id_of(obj)) is not None


@rules.predicate
def is_aor(user, obj) -> bool:
    return is_aor_of_organization(user, organization_id_of(obj))


def _application_of(obj):
    if obj is None:
        return None
    if obj._meta.label_lower == "applications.application":
        return obj
    return getattr(obj, "application", None)


@rules.predicate
def is_cleared_reviewer(user, obj) -> bool:
    """Assigned to the object's application and certified no conflict (active or submitted)."""
    app = _application_of(obj)
    if app is None or not is_reviewer(user):
        return False
    ReviewAssignment = apps.get_model("reviews", "ReviewAssignment")
    return ReviewAssignment.objects.filter(
        application_id=app.pk, reviewer=user, status__in=REVIEWER_ACCESS_STATES).exists()


@rules.predicate
def is_own_assignment(user, assignment) -> bool:
    return assignment is not None and is_reviewer(user) and assignment.reviewer_id == user.pk


@rules.predicate
def is_recipient(user, obj) -> bool:
    return obj is not None and is_authenticated(user) and getattr(obj, "recipient_id", None) == user.pk


# ---------------------------------------------------------------- actions
# Each action is one line. An action that takes an object states in the comment what it is.

_ACTIONS: dict[str, rules.Predicate] = {
    # Users, reference data, the record.
    "admin.site": is_admin,                                   # the Django admin
    "user.manage": is_admin,
    "mineral.view": is_authenticated,
    "mineral.manage": is_admin,                               # reference data
    "audit.view": is_federal_reader,
    "staff.read": is_federal_reader,                          # internal comments, staff-only fields
    "signin.second_factor": is_federal_staff,                 # must sign in with TOTP (domain.md)
    # Organizations and membership (obj: the organization).
    "organization.create": is_applicant,
    "organization.view": is_federal_reader | is_member,
    "organization.change": is_aor,
    "organization.join": is_applicant,                        # user: the one joining
    "membership.view": is_federal_reader | is_member,
    "membership.add": is_aor,                                 # invites; membership starts on accept
    "membership.remove": is_aor,                              # members may also leave themselves
    # Projects (obj: the project, or its organization on create).
    "project.create": is_applicant & (no_object | is_member),
    "project.view": is_federal_reader | is_member,
    "project.change": is_applicant & is_member,
    # Opportunities (obj: the opportunity).
    "opportunity.view": is_authenticated,
    "opportunity.create": is_officer,
    "opportunity.change": is_officer,
    "funds.view": is_federal_reader,
    "ranking.view": is_federal_reader,
    "queue.view": is_federal_reader,                          # the screening queue
    "dashboard.view": is_federal_reader,                      # officer dashboards and exports
    # Applications (obj: the application, or its organization on create).
    "application.create": is_applicant & (no_object | is_member),
    "application.view": is_federal_reader | is_member | is_cleared_reviewer,
    "application.change": is_applicant & is_member,
    "document.view": is_federal_reader | is_member | is_cleared_reviewer,
    "document.upload": is_applicant & is_member,              # obj: the application
    "document.delete": is_applicant & is_member,
    # Application transitions (named by the workflow table's ``who``).
    "application.submit": is_aor,
    "application.resubmit": is_aor,
    "application.withdraw": is_aor,
    "application.start_screening": is_officer,
    "application.request_revision": is_officer,
    "application.mark_ineligible": is_officer,
    "application.open_review": is_officer,
    "application.complete_review": is_officer,
    "application.select": is_officer,
    "application.begin_negotiation": is_officer,
    "application.decline": is_officer,
    "application.follow_award": rules.always_deny,            # only the award lifecycle (system)
    # ---- Two-step solicitations: white papers (whitepapers app; obj: the white paper, or
    # its organization on create). Members draft and upload; the AOR signs (submit,
    # withdraw); officers decide (encourage with a proposal due date, discourage).
    "white_paper.create": is_applicant & (no_object | is_member),
    "white_paper.view": is_federal_reader | is_member,
    "white_paper.change": is_applicant & is_member,
    "white_paper.submit": is_aor,
    "white_paper.withdraw": is_aor,
    "white_paper.encourage": is_officer,
    "white_paper.discourage": is_officer,
    "white_paper_document.view": is_federal_reader | is_member,   # obj: the white paper
    "white_paper_document.upload": is_applicant & is_member,
    # ---- end of white papers
    # Merit review (obj: the assignment; for assign, the application or opportunity).
    "review.workspace": is_reviewer,
    "review.serve": is_reviewer,                              # user: the one being assigned
    "review_assignment.create": is_officer,
    "review_assignment.view": is_federal_reader | is_own_assignment,
    "review_assignment.certify_coi": is_own_assignment,
    "review_assignment.score": is_own_assignment,
    "review_assignment.submit": is_own_assignment,
    "review_assignment.decline": is_own_assignment | is_officer,
    "review_assignment.close": is_officer,                    # the system closes outstanding ones
    "review.list": is_federal_reader | is_cleared_reviewer,   # obj: the application
    # Negotiation and awards (obj: the application for terms and issue, else the award).
    "terms.view": is_federal_reader,
    "terms.change": is_officer,
    "award.issue": has_award_authority,
    "award.view": is_federal_reader | is_member,
    "award.accept": is_aor,
    "award.decline_award": is_aor,
    "award.rescind": is_officer,
    "award.start_closeout": is_officer,
    "award.close": has_award_authority,
    "letter.request": is_officer,                             # (re)generate an award letter
    "letter.generate": rules.always_deny,                     # the worker only (system actor)
    # Webhooks of an organization's own systems (obj: the organization).
    "webhook.view": is_aor,
    "webhook.manage": is_aor,
    # Payments and loan servicing (payments app). obj: the award for create/record and the
    # loan pages; the payment request for its transitions. Officers decide and record;
    # the recipient's AOR requests; members and federal staff read.
    "payment_request.view": is_federal_reader | is_member,
    "payment_request.create": is_aor,
    "payment_request.approve": is_officer,
    "payment_request.reject": is_officer,
    "payment_request.mark_paid": is_officer,
    "loan.view": is_federal_reader | is_member,
    "disbursement.record": is_officer,
    "repayment.record": is_officer,
    # Post-award management (postaward app; obj: the award for create/propose/upload and the
    # page-level questions, else the milestone, report or modification itself).
    "award_document.view": is_federal_reader | is_member,
    "award_document.upload": is_applicant & is_member,        # evidence, while the award is active
    "milestone.view": is_federal_reader | is_member,
    "milestone.create": is_officer,
    "milestone.submit": is_applicant & is_member,
    "milestone.accept": is_officer,
    "milestone.return": is_officer,
    "report.view": is_federal_reader | is_member,
    "report.change": is_applicant & is_member,                # draft the form while due
    "report.submit": is_applicant & is_member,
    "report.accept": is_officer,
    "report.return": is_officer,
    "modification.view": is_federal_reader | is_member,
    "modification.propose": (is_applicant & is_aor) | is_officer,
    "modification.approve": has_award_authority,
    "modification.reject": has_award_authority,
    "portfolio.view": is_federal_reader,                      # the officer's portfolio of active awards
    "due_list.view": is_applicant,                            # the recipient's "what is due" list
    # ---- SAM exclusions (issue 14): officers check organizations and clear name-only
    # matches (obj: the organization). Admins read the log but never make the finding (AC-5).
    "exclusion.check": is_officer,
    "exclusion.clear": is_officer,
    # Notifications (obj: the notification).
    "notification.view": is_recipient,
    "notification.read": is_recipient,
}
for _name, _predicate in _ACTIONS.items():
    _RULES.add_rule(_name, _predicate)

_MESSAGES = {
    "opportunity.create": "Only program officers manage funding opportunities.",
    "opportunity.change": "Only program officers manage funding opportunities.",
    "funds.view": "Only federal program staff see budget positions.",
    "ranking.view": "Only federal program staff see rankings.",
    "organization.create": "Only applicant accounts register organizations.",
    "organization.change": "Only the organization's authorized representative can edit it.",
    "membership.add": "Only the organization's authorized representative can invite members.",
    "membership.remove": "Only the organization's authorized representative can remove other members.",
    "project.create": "Only members of the organization can add projects to it.",
    "project.change": "Only members of the organization can edit its projects.",
    "application.create": "Only members of the organization can apply on its behalf.",
    "application.change": "Only members of the organization can edit its applications.",
    "document.upload": "Only members of the organization can upload documents.",
    "document.delete": "Only members of the organization can remove documents.",
    "terms.change": "Only program officers negotiate award terms.",
    "award.issue": "Only a program officer with award authority can issue awards.",
    "award.accept": "Only the organization's authorized representative can accept the award.",
    "award.decline_award": "Only the organization's authorized representative can decline the award.",
    "award.rescind": "Only program officers can rescind awards.",
    "letter.request": "Only program officers can regenerate award letters.",
    "webhook.manage": "Only the organization's authorized representative manages its webhooks.",
    "milestone.create": "Only program officers set milestones.",
    "milestone.submit": "Only members of the recipient organization submit milestone evidence.",
    "report.change": "Only members of the recipient organization write its reports.",
    "report.submit": "Only members of the recipient organization submit its reports.",
    "modification.propose": "Only the recipient's authorized representative or a program officer can "
                            "propose a modification.",
    "modification.approve": "Only a program officer with award authority can approve modifications.",
    "modification.reject": "Only a program officer with award authority can reject modifications.",
    "award.close": "Only a program officer with award authority can close an award.",
    "review_assignment.create": "Only program officers may assign reviewers.",
    "white_paper.create": "Only members of the organization can send a white paper on its behalf.",
    "white_paper.change": "Only members of the organization can edit its white papers.",
    "white_paper.submit": "Only the organization's authorized representative can submit a white paper.",
    "white_paper.withdraw": "Only the organization's authorized representative can withdraw a white paper.",
    "white_paper.encourage": "Only program officers decide on white papers.",
    "white_paper.discourage": "Only program officers decide on white papers.",
    "white_paper_document.upload": "Only members of the organization can upload its white paper.",
    "payment_request.create": "Only the organization's authorized representative can request payments.",
    "payment_request.approve": "Only program officers decide payment requests.",
    "payment_request.reject": "Only program officers decide payment requests.",
    "payment_request.mark_paid": "Only program officers record payments.",
    "disbursement.record": "Only program officers record loan disbursements.",
    "repayment.record": "Only program officers record loan repayments.",
    "exclusion.check": "Only program officers check SAM exclusions.",
    "exclusion.clear": "Only program officers clear possible SAM exclusion matches.",
}


def actions() -> list[str]:
    """Every action name the policy knows (for docs, checks and tests)."""
    return sorted(_ACTIONS)


def may(user, action: str, obj=None) -> bool:
    """Whether ``user`` may do ``action`` (to ``obj``). Unknown actions are a programming
    error, not a silent "no"."""
    if action not in _ACTIONS:
        raise KeyError(f"Unknown policy action {action!r}; add it to dpa_funding.policy.")
    if user is None:
        return False
    return _RULES.test_rule(action, user, obj)


def message_for(action: str) -> str:
    return _MESSAGES.get(action, NotPermitted.default_detail)


def require(user, action: str, obj=None, message: str | None = None) -> None:
    """Raise ``NotPermitted`` (403) unless ``user`` may do ``action`` (to ``obj``)."""
    if not may(user, action, obj):
        raise NotPermitted(message or message_for(action))


def home_view_name(user) -> str:
    """Where the dashboard sends a signed-in user: their main workspace."""
    if may(user, "admin.site"):
        return "admin:index"
    if may(user, "queue.view"):
        return "applications:officer_queue"
    if may(user, "review.workspace"):
        return "reviews:workspace"
    return "applications:list"


def django_admin_flags(role: str) -> dict[str, bool]:
    """``is_staff``/``is_superuser`` for a new account: only administrators enter the admin."""
    admin = role == Role.ADMIN
    return {"is_staff": admin, "is_superuser": admin}


def award_authority_allowed(role: str) -> bool:
    """Only program officers hold a warrant to sign awards."""
    return role == Role.PROGRAM_OFFICER


def users_who_may(action: str):
    """Active users whose role lets them do ``action`` regardless of object (e.g. the
    reviewer pool for "review.serve", escalation recipients for "opportunity.change")."""
    User = apps.get_model("accounts", "User")
    roles = [role for role in Role.values if _role_may(role, action)]
    return User.objects.filter(is_active=True, role__in=roles)


def _role_may(role: str, action: str) -> bool:
    probe = apps.get_model("accounts", "User")(role=role, is_active=True, award_authority=False)
    return may(probe, action)


def actor_label(actor, viewer) -> str:
    """How an acting user appears to ``viewer`` in histories: federal staff see names;
    applicants see their own people by name and staff only as "Program office", so
    reviewer identities never leak."""
    if actor is None:
        return "System"
    if may(viewer, "staff.read") or actor.role == Role.APPLICANT:
        return actor.username
    return "Program office"


# ---------------------------------------------------------------- restricted querysets
# scope(user) -> Q (rows the user may act on), True (all rows) or False (none).

_SCOPES: dict[tuple[str, str], Callable] = {}


def _scope(model_label: str, *action_names: str):
    def register(fn):
        for name in action_names:
            _SCOPES[(model_label, name)] = fn
        return fn
    return register


def _member_org_ids(user):
    Membership = apps.get_model("accounts", "Membership")
    return Membership.objects.filter(user=user).values("organization_id")


def _cleared_application_ids(user):
    ReviewAssignment = apps.get_model("reviews", "ReviewAssignment")
    return ReviewAssignment.objects.filter(reviewer=user, status__in=REVIEWER_ACCESS_STATES).values("application_id")


def _application_scope(user, org_field: str = "organization_id", app_field: str = "pk"):
    if is_federal_reader(user):
        return True
    # One semi-join (IN subquery), not joins plus DISTINCT: counts and sorts stay on the
    # application table. Reviewers never belong to applicant organizations.
    if is_reviewer(user):
        return Q(**{f"{app_field}__in": _cleared_application_ids(user)})
    return Q(**{f"{org_field}__in": _member_org_ids(user)})


@_scope("accounts.organization", "view")
def _organizations(user):
    return True if is_federal_reader(user) else Q(pk__in=_member_org_ids(user))


# ---- Ownership and SAM exclusions (issue 14: owners as rows, responsibility checks) ----
# Owners are seen by whoever sees their organization; SAM extract data and exclusion checks
# are federal-only (a possible match is an officer's finding, not the applicant's to read).


@_scope("accounts.owner", "view")
def _owners(user):
    return True if is_federal_reader(user) else Q(organization_id__in=_member_org_ids(user))


@_scope("exclusions.samextract", "view")
@_scope("exclusions.samexclusion", "view")
@_scope("exclusions.exclusioncheck", "view")
@_scope("exclusions.samclearance", "view")
def _exclusions(user):
    return is_federal_reader(user)


@_scope("accounts.membership", "view")
def _memberships(user):
    return True if is_federal_reader(user) else Q(organization_id__in=_member_org_ids(user))


@_scope("accounts.invitation", "view")
def _invitations(user):
    """The invitee sees invitations to them; the organization's AORs see its invitations."""
    Membership = apps.get_model("accounts", "Membership")
    aor_orgs = Membership.objects.filter(user=user, role=MemberRole.AUTHORIZED_REPRESENTATIVE).values("organization_id")
    return Q(invitee=user) | Q(organization_id__in=aor_orgs)


@_scope("applications.project", "view")
def _projects(user):
    return True if is_federal_reader(user) else Q(organization_id__in=_member_org_ids(user))


@_scope("applications.project", "change")
def _projects_change(user):
    return Q(organization_id__in=_member_org_ids(user)) if is_applicant(user) else False


@_scope("applications.mineral", "view")
@_scope("applications.fundingopportunity", "view")
@_scope("applications.rubriccriterion", "view")
def _public(user):
    return is_authenticated(user)


@_scope("applications.fundingopportunity", "change")
def _opportunities_change(user):
    return is_officer(user)


@_scope("applications.application", "view")
def _applications(user):
    return _application_scope(user)


@_scope("applications.application", "change")
def _applications_change(user):
    return Q(organization_id__in=_member_org_ids(user)) if is_applicant(user) else False


@_scope("applications.document", "view")
def _documents(user):
    return _application_scope(user, "application__organization_id", "application_id")


@_scope("applications.transitionlog", "view")
def _transition_logs(user):
    if is_federal_reader(user):
        return True
    ContentType = apps.get_model("contenttypes", "ContentType")
    Application = apps.get_model("applications", "Application")
    Award = apps.get_model("awards", "Award")
    visible_apps = restrict(Application.objects.all(), user).values("pk")
    visible_awards = restrict(Award.objects.all(), user).values("pk")
    WhitePaper = apps.get_model("whitepapers", "WhitePaper")
    visible_papers = restrict(WhitePaper.objects.all(), user).values("pk")
    return (Q(content_type=ContentType.objects.get_for_model(Application), object_id__in=visible_apps)
            | Q(content_type=ContentType.objects.get_for_model(Award), object_id__in=visible_awards)
            | Q(content_type=ContentType.objects.get_for_model(WhitePaper), object_id__in=visible_papers))


# ---- Two-step solicitations: white papers are the organization's (like its applications);
# reviewers see none (white papers are not merit-reviewed).


@_scope("whitepapers.whitepaper", "view")
def _white_papers(user):
    return True if is_federal_reader(user) else Q(organization_id__in=_member_org_ids(user))


@_scope("whitepapers.whitepaper", "change")
def _white_papers_change(user):
    return Q(organization_id__in=_member_org_ids(user)) if is_applicant(user) else False


@_scope("whitepapers.whitepaperdocument", "view")
def _white_paper_documents(user):
    return True if is_federal_reader(user) else Q(white_paper__organization_id__in=_member_org_ids(user))


# ---- end of white papers


@_scope("applications.idempotencyrecord", "view")
def _idempotency(user):
    return Q(user_id=user.pk) if is_authenticated(user) else False


@_scope("reviews.reviewassignment", "view")
def _assignments(user):
    if is_federal_reader(user):
        return True
    return Q(reviewer_id=user.pk) if is_reviewer(user) else False


@_scope("reviews.criterionscore", "view")
def _scores(user):
    if is_federal_reader(user):
        return True
    return Q(assignment__reviewer_id=user.pk) if is_reviewer(user) else False


@_scope("awards.awardterms", "view")
def _terms(user):
    return is_federal_reader(user)


@_scope("awards.award", "view")
def _awards(user):
    return True if is_federal_reader(user) else Q(application__organization_id__in=_member_org_ids(user))


@_scope("awards.loanterms", "view")
@_scope("awards.obligation", "view")
def _award_parts(user):
    return True if is_federal_reader(user) else Q(award__application__organization_id__in=_member_org_ids(user))


# Payments and loan servicing: visible with their award.
@_scope("payments.paymentrequest", "view")
@_scope("payments.disbursement", "view")
@_scope("payments.repayment", "view")
@_scope("payments.delinquency", "view")
def _award_money(user):
    return True if is_federal_reader(user) else Q(award__application__organization_id__in=_member_org_ids(user))


@_scope("payments.repaymentallocation", "view")
def _repayment_allocations(user):
    if is_federal_reader(user):
        return True
    return Q(repayment__award__application__organization_id__in=_member_org_ids(user))


# Post-award records belong to their award's recipient organization.
@_scope("postaward.awarddocument", "view")
@_scope("postaward.milestone", "view")
@_scope("postaward.report", "view")
@_scope("postaward.modification", "view")
@_scope("postaward.obligationchange", "view")
def _post_award(user):
    return True if is_federal_reader(user) else Q(award__application__organization_id__in=_member_org_ids(user))


@_scope("notifications.notification", "view")
@_scope("notifications.reminderlog", "view")
def _own_notifications(user):
    return Q(recipient_id=user.pk) if is_authenticated(user) else False


@_scope("audit.auditevent", "view")
def _audit_events(user):
    return may(user, "audit.view")


@_scope("awards.awardnumbersequence", "view")
def _federal_only(user):
    return is_federal_reader(user)


@_scope("notifications.notificationpreference", "view")
def _own_preferences(user):
    return Q(user_id=user.pk) if is_authenticated(user) else False


def _aor_org_ids(user):
    Membership = apps.get_model("accounts", "Membership")
    return Membership.objects.filter(user=user, role=MemberRole.AUTHORIZED_REPRESENTATIVE).values("organization_id")


@_scope("webhooks.webhookendpoint", "view")
def _webhook_endpoints(user):
    # Federal staff do not see them either: the signing secret belongs to the organization.
    return Q(organization_id__in=_aor_org_ids(user)) if is_applicant(user) else False


@_scope("webhooks.webhookdelivery", "view")
def _webhook_deliveries(user):
    return Q(endpoint__organization_id__in=_aor_org_ids(user)) if is_applicant(user) else False


@_scope("webhooks.webhookattempt", "view")
def _webhook_attempts(user):
    return Q(delivery__endpoint__organization_id__in=_aor_org_ids(user)) if is_applicant(user) else False


@_scope("identity.externalidentity", "view")
def _external_identities(user):
    return True if is_admin(user) else Q(user_id=user.pk)


@_scope("accounts.user", "view")
def _users(user):
    if is_federal_reader(user):
        return True
    # Applicants see the people of their own organizations; reviewers only themselves.
    Membership = apps.get_model("accounts", "Membership")
    if is_applicant(user):
        return Q(pk=user.pk) | Q(pk__in=Membership.objects.filter(
            organization_id__in=_member_org_ids(user)).values("user_id"))
    return Q(pk=user.pk)


def restrict(queryset, user, action: str = "view"):
    """``queryset`` narrowed to the rows ``user`` may ``action``. Deny by default: a model
    or action without a registered scope yields no rows."""
    scope = _SCOPES.get((queryset.model._meta.label_lower, action))
    if scope is None or not is_authenticated(user):
        return queryset.none()  # nothing is visible to anonymous or deactivated users
    result = scope(user)
    if result is True:
        return queryset
    if result is False:
        return queryset.none()
    return queryset.filter(result)


def has_scope(model, action: str = "view") -> bool:
    return (model._meta.label_lower, action) in _SCOPES


# Models of the project's own apps that have no RestrictedQuerySet, and why.
UNRESTRICTED_MODELS = {
    "accounts.user": "Django's UserManager (create_user, natural keys); users are read through "
                     "memberships, the admin and policy.restrict(User.objects.all(), user)",
    "ops.outboxmessage": "infrastructure: side effects owed to the broker, never shown to users",
    "ops.heartbeat": "infrastructure: the worker's liveness stamp for /healthz",
}


def _project_models():
    root = str(settings.BASE_DIR)
    for config in apps.get_app_configs():
        if config.path.startswith(root) and "site-packages" not in config.path:
            yield from config.get_models()


@checks.register()
def check_restricted_models(app_configs=None, **kwargs):
    """Every model of the project's apps uses RestrictedQuerySet (or is exempt, with the
    reason, in UNRESTRICTED_MODELS), and every restricted model says who may view its rows."""
    from dpa_funding.querysets import RestrictedQuerySet

    errors = []
    for model in apps.get_models():
        manager = model._default_manager
        if isinstance(manager.get_queryset(), RestrictedQuerySet) and not has_scope(model, "view"):
            errors.append(checks.Error(
                f"{model._meta.label} uses RestrictedQuerySet but dpa_funding.policy has no 'view' scope for it.",
                hint="Register one with @_scope in dpa_funding/policy.py.", obj=model, id="policy.E001"))
    for model in _project_models():
        restricted = isinstance(model._default_manager.get_queryset(), RestrictedQuerySet)
        if not restricted and model._meta.label_lower not in UNRESTRICTED_MODELS:
            errors.append(checks.Error(
                f"{model._meta.label} has no RestrictedQuerySet manager, so restrict() cannot answer for it.",
                hint="Set objects = RestrictedQuerySet.as_manager() and register a 'view' scope.",
                obj=model, id="policy.E002"))
    return errors
