"""Demo data: the latest historical award is mid-performance with accepted reports, one
overdue report and an approved modification; a second run adds nothing."""

import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from postaward.choices import ModificationStatus, ReportStatus
from postaward.demo import latest_historical_award
from postaward.models import Modification, Report
from postaward.selectors import due_items_for

pytestmark = pytest.mark.django_db


def _load():
    call_command("load_demo", "--allow-default-password", stdout=io.StringIO())


def test_latest_historical_award_is_mid_performance_with_reports_and_a_modification():
    from accounts.models import User

    _load()
    award = latest_historical_award()
    today = timezone.localdate()
    assert award.period_start <= today <= award.period_end
    reports = Report.objects.filter(award=award)
    assert reports.filter(status=ReportStatus.ACCEPTED).exists()
    overdue = reports.filter(status=ReportStatus.DUE, due_at__lt=timezone.now())
    assert overdue.count() == 1
    [mod] = Modification.objects.filter(award=award)
    assert mod.status == ModificationStatus.APPROVED and mod.number == f"{award.award_number}-M01"
    items = due_items_for(User.objects.get(username="demo_applicant"))
    assert items[0].overdue and items[0].id == overdue.get().pk

    counts = (reports.count(), Modification.objects.count(), Report.objects.filter(status="accepted").count())
    _load()
    assert (Report.objects.filter(award=award).count(), Modification.objects.count(),
            Report.objects.filter(status="accepted").count()) == counts
