"""Automatic assignment: the planner's constraints and balance (hypothesis), and the service's
exclusions against the database."""

import itertools
from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.models import Membership
from applications.choices import ApplicationStatus
from dpa_funding.errors import NotPermitted
from reviews.allocation import plan_assignments
from reviews.choices import AssignmentStatus
from reviews.models import ReviewAssignment
from reviews.services import assignments_auto_assign
from tests.factories import ApplicationFactory, OpportunityFactory, UserFactory
from tests.reviews.factories import ReviewAssignmentFactory, reviewers


@st.composite
def instances(draw, max_apps=4, max_reviewers=4):
    n_apps = draw(st.integers(1, max_apps))
    n_revs = draw(st.integers(1, max_reviewers))
    apps, revs = list(range(100, 100 + n_apps)), list(range(1, 1 + n_revs))
    need = draw(st.integers(1, 3))
    needs = {a: draw(st.integers(0, need)) for a in apps}
    eligible = {a: [r for r in revs if draw(st.booleans())] for a in apps}
    loads = {r: draw(st.integers(0, 2)) for r in revs}
    cap = draw(st.integers(1, 5))
    return needs, eligible, loads, cap


def _check_constraints(plan, needs, eligible, loads, cap):
    assert len(plan) == len(set(plan)), "a reviewer twice on one application"
    per_app = Counter(a for a, _ in plan)
    per_rev = Counter(r for _, r in plan)
    for a, r in plan:
        assert r in eligible[a]
    for a, n in per_app.items():
        assert n <= needs[a]
    for r, n in per_rev.items():
        assert loads[r] + n <= cap
    return {r: loads[r] + per_rev[r] for r in loads}


def _all_allocations(needs, eligible, loads, cap):
    """Every allocation respecting the constraints (brute force, small instances only)."""
    options = []
    for a, n in needs.items():
        subsets = [c for k in range(0, n + 1) for c in itertools.combinations(sorted(set(eligible[a])), k)]
        options.append([[(a, r) for r in c] for c in subsets])
    for combo in itertools.product(*options):
        plan = [pair for part in combo for pair in part]
        per_rev = Counter(r for _, r in plan)
        if all(loads[r] + n <= cap for r, n in per_rev.items()):
            yield plan


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances())
def test_plan_respects_constraints_fills_most_slots_and_balances_when_feasible(instance):
    needs, eligible, loads, cap = instance
    plan = plan_assignments(needs=needs, eligible=eligible, loads=loads, cap=cap)
    final = _check_constraints(plan, needs, eligible, loads, cap)

    best = 0
    balanced_possible = False
    allocations = list(_all_allocations(needs, eligible, loads, cap))
    best = max(len(p) for p in allocations)
    for p in allocations:
        if len(p) == best:
            per_rev = Counter(r for _, r in p)
            lds = [loads[r] + per_rev[r] for r in loads]
            balanced_possible |= max(lds) - min(lds) <= 1
    assert len(plan) == best, "fills as many slots as any valid allocation"
    if balanced_possible:
        assert max(final.values()) - min(final.values()) <= 1


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 40), st.integers(1, 25), st.integers(1, 5))
def test_unconstrained_pools_are_always_balanced_within_one(n_apps, n_revs, k):
    k = min(k, n_revs)
    needs = {a: k for a in range(n_apps)}
    eligible = {a: list(range(n_revs)) for a in range(n_apps)}
    loads = dict.fromkeys(range(n_revs), 0)
    cap = -(-n_apps * k // n_revs)  # just enough room: ceil(total / reviewers)
    plan = plan_assignments(needs=needs, eligible=eligible, loads=loads, cap=cap)
    final = _check_constraints(plan, needs, eligible, loads, cap)
    assert len(plan) == n_apps * k
    assert max(final.values()) - min(final.values()) <= 1


def test_plan_is_deterministic():
    needs = {a: 2 for a in range(6)}
    eligible = {a: [1, 2, 3, 4] for a in range(6)}
    loads = dict.fromkeys([1, 2, 3, 4], 0)
    first = plan_assignments(needs=needs, eligible=eligible, loads=loads, cap=3)
    assert first == plan_assignments(needs=needs, eligible=eligible, loads=loads, cap=3)


@pytest.mark.django_db
def test_auto_assign_excludes_members_and_previously_conflicted_reviewers_and_respects_existing():
    officer = UserFactory(officer=True)
    opp = OpportunityFactory(min_reviewers=2)
    apps = [ApplicationFactory(opportunity=opp, status=ApplicationStatus.SCREENING) for _ in range(4)]
    ApplicationFactory(opportunity=opp, status=ApplicationStatus.SUBMITTED)  # not in screening: ignored
    member, conflicted, *others = reviewers(5)
    Membership.objects.create(user=member, organization=apps[0].organization)
    # conflicted recused from apps[1]'s organization on another opportunity, earlier
    old = ApplicationFactory(organization=apps[1].organization, status=ApplicationStatus.REVIEWED)
    ReviewAssignmentFactory(application=old, reviewer=conflicted, status=AssignmentStatus.RECUSED)
    # apps[2] already has one live reviewer and one who declined (does not count)
    ReviewAssignmentFactory(application=apps[2], reviewer=others[0], status=AssignmentStatus.ACTIVE)
    ReviewAssignmentFactory(application=apps[2], reviewer=others[1], status=AssignmentStatus.DECLINED)

    result = assignments_auto_assign(actor=officer, opportunity=opp, per_application=2, cap_per_reviewer=2)

    assert result.unfilled == {}
    live = ReviewAssignment.objects.filter(application__opportunity=opp).exclude(status=AssignmentStatus.DECLINED)
    pairs = set(live.values_list("application_id", "reviewer_id"))
    assert (apps[0].pk, member.pk) not in pairs
    assert (apps[1].pk, conflicted.pk) not in pairs
    assert (apps[2].pk, others[1].pk) not in pairs  # declined once: never re-assigned automatically
    assert Counter(a for a, _ in pairs) == {a.pk: 2 for a in apps}
    loads = Counter(r for _, r in pairs)
    assert max(loads.values()) <= 2
    assert len(result.created) == 7
    assert all(a.status == AssignmentStatus.PENDING_COI for a in result.created)


@pytest.mark.django_db
def test_auto_assign_reports_unfilled_slots_and_is_for_officers_only():
    opp = OpportunityFactory()
    app = ApplicationFactory(opportunity=opp, status=ApplicationStatus.SCREENING)
    pool = reviewers(2)
    with pytest.raises(NotPermitted):
        assignments_auto_assign(actor=pool[0], opportunity=opp, per_application=3, cap_per_reviewer=5)
    result = assignments_auto_assign(actor=UserFactory(officer=True), opportunity=opp, per_application=3,
                                     cap_per_reviewer=5)
    assert {a.reviewer_id for a in result.created} == {r.pk for r in pool}
    assert result.unfilled == {app.pk: 1}
