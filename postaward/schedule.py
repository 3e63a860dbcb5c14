"""The reporting schedule of an award (2 CFR 200.328-329, 200.344), derived from its period.

For each calendar quarter the period of performance touches, a progress report and an
SF-425 cover that quarter (clipped to the period: a period starting mid-quarter reports
first on the days from its start to the quarter's end), due 30 days after the quarter
ends; the final progress report and final SF-425 cover the whole period and are due 120
days after it ends. Deadlines are 5:00 p.m. US Eastern on the due date.
"""

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from .choices import ReportKind

EASTERN = ZoneInfo("America/New_York")
QUARTERLY_DUE_DAYS = 30
FINAL_DUE_DAYS = 120
DEADLINE_TIME = dt.time(17, 0)


@dataclass(frozen=True)
class ScheduledReport:
    kind: str
    final: bool
    period_start: dt.date
    period_end: dt.date
    due_date: dt.date

    @property
    def key(self) -> tuple:
        return (self.kind, self.final, self.period_start)

    @property
    def due_at(self) -> dt.datetime:
        return deadline_at(self.due_date)


def deadline_at(day: dt.date) -> dt.datetime:
    """5:00 p.m. US Eastern on ``day`` (federal deadlines), as an aware datetime."""
    return dt.datetime.combine(day, DEADLINE_TIME, tzinfo=EASTERN)


def quarter_start(day: dt.date) -> dt.date:
    return dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def quarter_end(day: dt.date) -> dt.date:
    start = quarter_start(day)
    following = dt.date(start.year + (start.month == 10), (start.month + 2) % 12 + 1, 1)
    return following - dt.timedelta(days=1)


def quarters(period_start: dt.date, period_end: dt.date) -> list[tuple[dt.date, dt.date, dt.date]]:
    """(covered start, covered end, quarter end) for each calendar quarter of the period."""
    out = []
    start = period_start
    while start <= period_end:
        end_of_quarter = quarter_end(start)
        out.append((start, min(end_of_quarter, period_end), end_of_quarter))
        start = end_of_quarter + dt.timedelta(days=1)
    return out


def report_schedule(period_start: dt.date, period_end: dt.date) -> list[ScheduledReport]:
    """Every report an award with this period owes, in due-date order."""
    out = []
    for start, end, end_of_quarter in quarters(period_start, period_end):
        due = end_of_quarter + dt.timedelta(days=QUARTERLY_DUE_DAYS)
        for kind in (ReportKind.PROGRESS, ReportKind.FINANCIAL):
            out.append(ScheduledReport(kind, False, start, end, due))
    final_due = period_end + dt.timedelta(days=FINAL_DUE_DAYS)
    for kind in (ReportKind.PROGRESS, ReportKind.FINANCIAL):
        out.append(ScheduledReport(kind, True, period_start, period_end, final_due))
    return out
