"""The one policy: consistent answers for every door, deny by default, no role compared
outside dpa_funding/policy.py."""

import re
from pathlib import Path

import pytest
from django.core import checks

from accounts.choices import MemberRole
from applications import services
from applications.models import Application, Project
from dpa_funding import policy
from dpa_funding.errors import NotPermitted, ValidationFailed
from tests.factories import (
    ApplicationFactory,
    MembershipFactory,
    OpportunityFactory,
    OrganizationFactory,
    ProjectFactory,
    UserFactory,
)

ROOT = Path(__file__).resolve().parent.parent
OPPORTUNITY_BODY = {
    "number": "FA8650-26-S-0900", "title": "Gallium refining", "instruments": ["grant"],
    "opens_at": "2026-01-01T12:00:00Z", "closes_at": "2027-01-01T22:00:00Z",
    "budget_ceiling": "1000000.00", "max_award": "500000.00", "min_cost_share_percent": "0",
    "rubric": [{"name": "Merit", "description": "", "weight": 100, "allows_na": False}],
}

pytestmark = pytest.mark.django_db


def test_admin_may_read_everything_but_never_act_as_an_officer():
    admin = UserFactory(admin=True)
    for action in ("funds.view", "ranking.view", "audit.view", "queue.view", "staff.read", "user.manage"):
        assert policy.may(admin, action), action
    for action in ("opportunity.create", "opportunity.change", "award.issue", "award.rescind",
                   "application.start_screening", "review_assignment.create", "terms.change",
                   "review_assignment.score"):
        assert not policy.may(admin, action), action


def test_admin_gets_the_same_answer_from_api_and_pages(client_for, client):
    admin = UserFactory(admin=True)
    opp = OpportunityFactory()
    api = client_for(admin)
    assert api.post("/api/v1/opportunities/", OPPORTUNITY_BODY, format="json").status_code == 403
    assert api.patch(f"/api/v1/opportunities/{opp.pk}/", {"title": "x"}, format="json").status_code == 403
    assert api.get(f"/api/v1/opportunities/{opp.pk}/ranking/").status_code == 200
    assert api.get(f"/api/v1/opportunities/{opp.pk}/funds/").status_code == 200
    client.force_login(admin)
    assert client.get("/applications/opportunities/new/").status_code == 403
    assert client.get(f"/reviews/opportunities/{opp.pk}/ranking/").status_code == 200
    assert client.get(f"/awards/opportunities/{opp.pk}/funds/").status_code == 200


def test_officer_creates_an_opportunity_and_applicant_is_refused(client_for):
    officer = UserFactory(officer=True)
    assert client_for(officer).post("/api/v1/opportunities/", OPPORTUNITY_BODY, format="json").status_code == 201
    applicant = UserFactory()
    body = {**OPPORTUNITY_BODY, "number": "FA8650-26-S-0901"}
    assert client_for(applicant).post("/api/v1/opportunities/", body, format="json").status_code == 403


def test_project_update_never_moves_a_project_to_another_organization(client_for):
    member = MembershipFactory(role=MemberRole.CONTRIBUTOR).user
    project = ProjectFactory(organization=member.memberships.get().organization)
    elsewhere = MembershipFactory(user=member).organization  # another organization of the same user
    with pytest.raises(ValidationFailed) as exc:
        services.project_update(actor=member, project=project, organization=elsewhere)
    assert "organization" in exc.value.errors
    response = client_for(member).patch(f"/api/v1/projects/{project.pk}/", {"organization": elsewhere.pk},
                                        format="json")
    assert response.status_code == 400
    assert Project.objects.get(pk=project.pk).organization_id == project.organization_id


def test_services_refuse_unknown_fields_instead_of_copying_them():
    officer = UserFactory(officer=True)
    opp = OpportunityFactory()
    with pytest.raises(ValidationFailed) as exc:
        services.opportunity_update(actor=officer, opportunity=opp, created_by=UserFactory())
    assert "created_by" in exc.value.errors


def test_member_roles_decide_transitions_not_account_roles():
    app = ApplicationFactory()
    aor = app.organization.memberships.get().user
    contributor = MembershipFactory(organization=app.organization, role=MemberRole.CONTRIBUTOR).user
    stranger = MembershipFactory(organization=OrganizationFactory()).user
    assert policy.may(aor, "application.submit", app)
    assert not policy.may(contributor, "application.submit", app)
    assert policy.may(contributor, "application.change", app)
    assert not policy.may(stranger, "application.view", app)
    assert list(Application.objects.restrict(stranger)) == []
    assert list(Application.objects.restrict(contributor)) == [app]


def test_unknown_action_is_a_programming_error():
    with pytest.raises(KeyError):
        policy.may(UserFactory(), "application.frobnicate")
    with pytest.raises(NotPermitted):
        policy.require(None, "application.view")


def test_restrict_denies_by_default_for_an_unregistered_action():
    ApplicationFactory()
    assert not Application.objects.restrict(UserFactory(officer=True), "frobnicate").exists()
    assert Application.objects.restrict(UserFactory(officer=True)).exists()


def test_system_check_fails_for_a_restricted_model_without_a_view_scope(monkeypatch):
    scopes = {k: v for k, v in policy._SCOPES.items() if k != ("applications.document", "view")}
    monkeypatch.setattr(policy, "_SCOPES", scopes)
    errors = policy.check_restricted_models()
    assert [e.id for e in errors] == ["policy.E001"]
    assert "Document" in errors[0].msg
    monkeypatch.undo()
    assert [e for e in checks.run_checks() if e.id == "policy.E001"] == []



def test_system_check_fails_for_a_project_model_without_a_restricted_manager(monkeypatch):
    from ops.models import OutboxMessage

    assert [e for e in checks.run_checks() if e.id == "policy.E002"] == []
    # The outbox is exempt with a reason; without the exemption it is a plain-manager model.
    exempt = {k: v for k, v in policy.UNRESTRICTED_MODELS.items() if k != "ops.outboxmessage"}
    monkeypatch.setattr(policy, "UNRESTRICTED_MODELS", exempt)
    errors = [e for e in policy.check_restricted_models() if e.id == "policy.E002"]
    assert [e.obj for e in errors] == [OutboxMessage]


def _org_with_members():
    org = OrganizationFactory()
    aor = MembershipFactory(organization=org, role=MemberRole.AUTHORIZED_REPRESENTATIVE).user
    contributor = MembershipFactory(organization=org, role=MemberRole.CONTRIBUTOR).user
    return aor, contributor, org


def test_webhooks_are_visible_and_managed_by_the_organizations_aor_only():
    from webhooks.models import WebhookEndpoint

    aor, contributor, org = _org_with_members()
    officer = UserFactory(officer=True)
    endpoint = WebhookEndpoint.objects.create(organization=org, url="https://erp.example.com/hook",
                                              event_types=["award.issued"], created_by=aor)
    assert list(WebhookEndpoint.objects.restrict(aor)) == [endpoint]
    for other in (contributor, officer, UserFactory(), UserFactory(admin=True)):
        assert not WebhookEndpoint.objects.restrict(other).exists()
    assert policy.may(aor, "webhook.manage", org)
    assert not policy.may(contributor, "webhook.manage", endpoint)
    assert not policy.may(officer, "webhook.manage", org)


def test_users_scope_shows_applicants_their_own_organizations_people():
    from accounts.models import User

    aor, contributor, _org = _org_with_members()
    stranger = UserFactory()
    assert set(policy.restrict(User.objects.all(), aor)) == {aor, contributor}
    assert set(policy.restrict(User.objects.all(), stranger)) == {stranger}
    assert policy.restrict(User.objects.all(), UserFactory(officer=True)).count() == User.objects.count()

# Role comparisons, in Python and in templates. Setting a role (user_create(role=...)) is fine;
# asking which role someone has is the policy's job.
ROLE_QUESTIONS = [
    re.compile(r"\.role\s*(==|!=)"),
    re.compile(r"\.role\s+(not\s+)?in\b"),
    re.compile(r"(==|!=)\s*Role\.\w+"),
    re.compile(r"\buser__role\b|\brole__in\b"),
    re.compile(r"\.filter\([^)]*\brole=Role\."),
    re.compile(r"\.is_superuser\b(?!\s*=[^=])"),
    re.compile(r"\.award_authority\b(?!\s*=[^=])"),
]
ALLOWED = {"dpa_funding/policy.py"}


def _sources():
    for pattern in ("**/*.py", "templates/**/*.html"):
        for path in ROOT.glob(pattern):
            rel = path.relative_to(ROOT).as_posix()
            if rel.startswith((".venv/", "tests/", "bench/", "scripts/")) or "/migrations/" in rel:
                continue
            if rel in ALLOWED:
                continue
            yield rel, path.read_text(encoding="utf-8")


def test_no_role_is_compared_outside_the_policy_module():
    offenders = [
        f"{rel}:{n}: {line.strip()}"
        for rel, text in _sources()
        for n, line in enumerate(text.splitlines(), 1)
        if any(p.search(line) for p in ROLE_QUESTIONS)
    ]
    assert offenders == []
