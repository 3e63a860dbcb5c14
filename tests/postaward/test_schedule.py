"""The reporting schedule: calendar quarters of the period, due 30 days after each
quarter, finals 120 days after the period (2 CFR 200.328-329, 200.344)."""

import datetime as dt

import pytest

from postaward.choices import ReportKind, ReportStatus
from postaward.models import Report
from postaward.schedule import quarter_end, report_schedule

from .helpers import accepted_award

D = dt.date


def test_period_starting_mid_quarter_reports_first_on_the_partial_quarter():
    rows = report_schedule(D(2026, 2, 15), D(2026, 11, 10))
    quarterly = [(r.period_start, r.period_end, r.due_date) for r in rows
                 if r.kind == ReportKind.FINANCIAL and not r.final]
    assert quarterly == [
        (D(2026, 2, 15), D(2026, 3, 31), D(2026, 4, 30)),
        (D(2026, 4, 1), D(2026, 6, 30), D(2026, 7, 30)),
        (D(2026, 7, 1), D(2026, 9, 30), D(2026, 10, 30)),
        (D(2026, 10, 1), D(2026, 11, 10), D(2027, 1, 30)),
    ]
    progress = [(r.period_start, r.period_end, r.due_date) for r in rows
                if r.kind == ReportKind.PROGRESS and not r.final]
    assert progress == quarterly
    finals = [(r.kind, r.period_start, r.period_end, r.due_date) for r in rows if r.final]
    assert finals == [
        (ReportKind.PROGRESS, D(2026, 2, 15), D(2026, 11, 10), D(2027, 3, 10)),
        (ReportKind.FINANCIAL, D(2026, 2, 15), D(2026, 11, 10), D(2027, 3, 10)),
    ]


def test_quarter_ends():
    assert quarter_end(D(2026, 1, 1)) == D(2026, 3, 31)
    assert quarter_end(D(2026, 5, 20)) == D(2026, 6, 30)
    assert quarter_end(D(2026, 8, 31)) == D(2026, 9, 30)
    assert quarter_end(D(2026, 12, 31)) == D(2026, 12, 31)


def test_period_within_one_quarter_gets_one_quarterly_pair_and_the_finals():
    rows = report_schedule(D(2026, 4, 10), D(2026, 5, 20))
    assert [(r.kind, r.final, r.due_date) for r in rows] == [
        (ReportKind.PROGRESS, False, D(2026, 7, 30)), (ReportKind.FINANCIAL, False, D(2026, 7, 30)),
        (ReportKind.PROGRESS, True, D(2026, 9, 17)), (ReportKind.FINANCIAL, True, D(2026, 9, 17)),
    ]


@pytest.mark.django_db
def test_accepted_award_has_its_schedule_due_at_five_pm_eastern():
    award = accepted_award(period_start=D(2027, 2, 15), period_end=D(2028, 2, 14))
    reports = list(Report.objects.filter(award=award).order_by("due_at", "kind"))
    # Q1-2027 (partial) .. Q1-2028 (partial): 5 quarters x 2 kinds, plus 2 finals.
    assert len(reports) == 12
    assert {r.status for r in reports} == {ReportStatus.DUE}
    first = reports[0]
    assert (first.period_start, first.period_end, first.due_date) == (D(2027, 2, 15), D(2027, 3, 31), D(2027, 4, 30))
    local = first.due_at.astimezone(dt.timezone(dt.timedelta(hours=-4)))  # EDT on April 30
    assert (local.hour, local.minute) == (17, 0)
