"""Modifications (2 CFR 200.308): proposal, approval by an officer with award authority,
numbering, obligation changes under the budget lock, schedule following the period, and
the letter rendered once."""

import datetime as dt
import threading
from decimal import Decimal

import pytest
from django.db import close_old_connections

from awards.models import Obligation
from awards.services import active_obligations_total
from dpa_funding.errors import ConditionsUnmet, NotPermitted, ValidationFailed
from postaward import services
from postaward.choices import ModificationKind, ModificationStatus, ReportStatus
from postaward.models import Modification, ObligationChange, Report
from tests.factories import OpportunityFactory, UserFactory

from .helpers import accepted_award, aor, officer

pytestmark = pytest.mark.django_db

D = dt.date


def _funding(award, delta, actor=None):
    return services.modification_propose(actor=actor or aor(award), award=award, kind=ModificationKind.FUNDING_CHANGE,
                                         justification="Scale-up of the crystallizer train.",
                                         federal_amount_delta=Decimal(delta))


def test_recipient_proposes_and_awarding_officer_approves_an_increase():
    award = accepted_award()
    opp_id = award.application.opportunity_id
    before = active_obligations_total(opp_id)
    mod = _funding(award, "250000.00")
    assert mod.status == ModificationStatus.PROPOSED and mod.number == ""
    mod = services.transition(mod, "approve", actor=officer())
    award.refresh_from_db()
    assert mod.status == ModificationStatus.APPROVED
    assert mod.number == f"{award.award_number}-M01"
    assert award.federal_amount == Decimal("10250000.00")
    assert active_obligations_total(opp_id) - before == Decimal("250000.00")
    assert ObligationChange.objects.get(modification=mod).amount == Decimal("250000.00")


def test_numbers_follow_approvals_per_award():
    award = accepted_award()
    first, second = _funding(award, "1000.00"), _funding(award, "2000.00")
    approver = officer()
    services.transition(second, "approve", actor=approver)
    services.transition(first, "approve", actor=approver)
    numbers = dict(Modification.objects.filter(award=award).values_list("pk", "number"))
    assert numbers == {second.pk: f"{award.award_number}-M01", first.pk: f"{award.award_number}-M02"}


def test_decrease_releases_exactly_the_decrease():
    award = accepted_award()
    opp_id = award.application.opportunity_id
    before = active_obligations_total(opp_id)
    services.transition(_funding(award, "-400000.00", actor=officer()), "approve", actor=officer())
    assert before - active_obligations_total(opp_id) == Decimal("400000.00")
    assert Obligation.objects.get(award=award).amount == Decimal("9600000.00")


def test_increase_beyond_the_remaining_budget_is_refused_and_changes_nothing():
    opp = OpportunityFactory(budget_ceiling=Decimal("10100000.00"), instruments=["grant"])
    award = accepted_award(opportunity=opp)
    mod = _funding(award, "100000.01")
    with pytest.raises(ConditionsUnmet) as exc:
        services.transition(mod, "approve", actor=officer())
    assert "remains of the opportunity's budget" in exc.value.unmet[0]
    mod.refresh_from_db()
    award.refresh_from_db()
    assert mod.status == ModificationStatus.PROPOSED and mod.number == ""
    assert award.federal_amount == Decimal("10000000.00")
    assert Obligation.objects.get(award=award).amount == Decimal("10000000.00")


@pytest.mark.django_db(transaction=True)
def test_concurrent_increases_never_exceed_the_budget():
    opp = OpportunityFactory(budget_ceiling=Decimal("10500000.00"), instruments=["grant"])
    award = accepted_award(opportunity=opp)
    mods = [_funding(award, "300000.00") for _ in range(3)]
    approver = officer()
    barrier = threading.Barrier(len(mods))
    outcomes = []

    def approve(mod):
        try:
            barrier.wait()
            services.transition(mod, "approve", actor=approver)
            outcomes.append("ok")
        except ConditionsUnmet:
            outcomes.append("refused")
        finally:
            close_old_connections()

    threads = [threading.Thread(target=approve, args=(m,)) for m in mods]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["ok", "refused", "refused"]
    assert active_obligations_total(opp.pk) == Decimal("10300000.00")


def test_only_an_officer_with_award_authority_approves():
    award = accepted_award()
    mod = _funding(award, "1000.00")
    with pytest.raises(NotPermitted):
        services.transition(mod, "approve", actor=aor(award))
    with pytest.raises(NotPermitted):
        services.transition(mod, "approve", actor=UserFactory(role="program_officer", award_authority=False))


def test_contributors_cannot_propose():
    from .helpers import contributor

    award = accepted_award()
    with pytest.raises(NotPermitted):
        _funding(award, "1000.00", actor=contributor(award))


def test_proposals_are_validated_per_kind_with_every_error():
    award = accepted_award()
    with pytest.raises(ValidationFailed) as exc:
        services.modification_propose(actor=aor(award), award=award, kind=ModificationKind.NO_COST_EXTENSION,
                                      justification="", new_period_end=award.period_end,
                                      federal_amount_delta=Decimal("5.00"))
    assert set(exc.value.errors) == {"justification", "new_period_end", "federal_amount_delta"}
    with pytest.raises(ValidationFailed) as exc:
        services.modification_propose(actor=aor(award), award=award, kind=ModificationKind.BUDGET_REVISION,
                                      justification="Move equipment to construction.",
                                      budget={"equipment": Decimal("1.00")})
    assert "must equal the total project cost" in exc.value.errors["budget"][0]


def test_reject_needs_a_comment_and_changes_nothing_on_the_award():
    award = accepted_award()
    mod = _funding(award, "1000.00")
    with pytest.raises(ConditionsUnmet):
        services.transition(mod, "reject", actor=officer())
    mod = services.transition(mod, "reject", actor=officer(), data={"comment": "Not justified."})
    assert mod.status == ModificationStatus.REJECTED and mod.number == ""
    award.refresh_from_db()
    assert award.federal_amount == Decimal("10000000.00")


def test_no_cost_extension_moves_the_period_and_the_reporting_schedule():
    award = accepted_award(period_start=D(2027, 1, 1), period_end=D(2027, 12, 31))
    # Q1 reports already accepted stay; the final reports move to the new end.
    q1 = list(Report.objects.filter(award=award, final=False, period_start=D(2027, 1, 1)))
    Report.objects.filter(pk__in=[r.pk for r in q1]).update(**{"status": ReportStatus.ACCEPTED})
    mod = services.modification_propose(actor=aor(award), award=award, kind=ModificationKind.NO_COST_EXTENSION,
                                        justification="Permitting delay.", new_period_end=D(2028, 5, 15))
    services.transition(mod, "approve", actor=officer())
    award.refresh_from_db()
    assert award.period_end == D(2028, 5, 15)
    reports = Report.objects.filter(award=award)
    finals = reports.filter(final=True)
    assert {(r.period_end, r.due_date) for r in finals} == {(D(2028, 5, 15), D(2028, 9, 12))}
    quarterly_starts = sorted({r.period_start for r in reports.filter(final=False)})
    assert quarterly_starts == [D(2027, 1, 1), D(2027, 4, 1), D(2027, 7, 1), D(2027, 10, 1),
                                D(2028, 1, 1), D(2028, 4, 1)]
    last = reports.get(final=False, kind="financial", period_start=D(2028, 4, 1))
    assert (last.period_end, last.due_date) == (D(2028, 5, 15), D(2028, 7, 30))
    assert reports.filter(status=ReportStatus.ACCEPTED).count() == 2
    assert reports.count() == 6 * 2 + 2


def test_modification_letter_is_rendered_once_even_if_the_task_runs_twice(monkeypatch):
    from postaward import letters
    from postaward.tasks import generate_modification_letter

    award = accepted_award()
    mod = services.transition(_funding(award, "1000.00"), "approve", actor=officer())
    renders = []
    real = letters.render_pdf

    def counting(html):
        renders.append(html)
        return real(html)

    monkeypatch.setattr(letters, "render_pdf", counting)
    generate_modification_letter(mod.pk)
    mod.refresh_from_db()
    first = (mod.letter_file.name, mod.letter_sha256)
    assert first[0] == f"letters/{mod.number}.pdf" and len(first[1]) == 64
    assert mod.letter_file.open("rb").read(5) == b"%PDF-"
    generate_modification_letter(mod.pk)
    mod.refresh_from_db()
    assert (mod.letter_file.name, mod.letter_sha256) == first
    assert len(renders) == 1
    assert "M01" in renders[0] and "+$1,000.00" in renders[0]


def test_approval_owes_the_letter_in_the_same_transaction():
    from ops.models import OutboxMessage

    award = accepted_award()
    mod = services.transition(_funding(award, "1000.00"), "approve", actor=officer())
    assert OutboxMessage.objects.filter(task="postaward.tasks.generate_modification_letter",
                                        args=[mod.pk]).exists()
