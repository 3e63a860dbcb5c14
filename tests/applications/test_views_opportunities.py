"""Officer pages to create and edit funding opportunities (NOFOs) and their rubrics."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from applications.choices import ApplicationStatus, Instrument
from applications.models import FundingOpportunity, Mineral
from tests.factories import ApplicationFactory, OpportunityFactory, UserFactory
from tests.reviews.factories import submitted_review

pytestmark = pytest.mark.django_db

CREATE_URL = reverse("applications:opportunity_create")


def edit_url(opp):
    return reverse("applications:opportunity_edit", args=[opp.pk])


def rubric_data(rows, *, initial=0, total=None, describe=True):
    """POST data of the rubric formset: rows are (name, weight, allows_na[, delete])."""
    total = len(rows) if total is None else total
    data = {"rubric-TOTAL_FORMS": str(total), "rubric-INITIAL_FORMS": str(initial),
            "rubric-MIN_NUM_FORMS": "0", "rubric-MAX_NUM_FORMS": "1000"}
    for i, row in enumerate(rows):
        name, weight, allows_na, *delete = row
        data[f"rubric-{i}-name"] = name
        data[f"rubric-{i}-description"] = f"How well the applicant shows {name.lower()}." if describe else ""
        data[f"rubric-{i}-weight"] = str(weight)
        if allows_na:
            data[f"rubric-{i}-allows_na"] = "on"
        if delete and delete[0]:
            data[f"rubric-{i}-DELETE"] = "on"
    return data


def opportunity_data(**overrides):
    data = {
        "number": "FA8650-27-S-0042",
        "title": "Rare earth magnet supply chain",
        "description": "Separation, metallization and magnet manufacturing.",
        "instruments": [Instrument.GRANT, Instrument.LOAN],
        "opens_at": "2026-12-01T08:00",
        "closes_at": "2027-01-15T17:00",
        "budget_ceiling": "250000000.00",
        "max_award": "75000000.00",
        "min_cost_share_percent": "50",
        "min_reviewers": "3",
        "review_window_days": "21",
        "credit_subsidy_rate_percent": "12.5",
    }
    data.update(overrides)
    return data


THREE_CRITERIA = [("Technical merit", 50, False), ("Supply-chain impact", 30, False),
                  ("Community benefits", 20, True)]


@pytest.fixture
def officer(client):
    user = UserFactory(officer=True)
    client.force_login(user)
    return user


# ---------------------------------------------------------------- create


def test_officer_creates_opportunity_with_rubric_and_eastern_deadline(client, officer):
    mineral, _ = Mineral.objects.get_or_create(name="Neodymium")
    data = opportunity_data(eligible_minerals=[str(mineral.pk)]) | rubric_data(THREE_CRITERIA, total=5)
    resp = client.post(CREATE_URL, data)
    opp = FundingOpportunity.objects.get(number="FA8650-27-S-0042")
    assert resp.status_code == 302
    assert resp["Location"] == reverse("applications:opportunity_detail", args=[opp.pk])
    # 5:00 p.m. Eastern Standard Time is 22:00 UTC.
    assert opp.closes_at == dt.datetime(2027, 1, 15, 22, 0, tzinfo=dt.UTC)
    assert opp.opens_at == dt.datetime(2026, 12, 1, 13, 0, tzinfo=dt.UTC)
    assert opp.instruments == [Instrument.GRANT, Instrument.LOAN]
    assert opp.max_award == Decimal("75000000.00")
    assert opp.credit_subsidy_rate_percent == Decimal("12.50")
    assert opp.review_window_days == 21
    assert list(opp.eligible_minerals.all()) == [mineral]
    assert list(opp.program_officers.all()) == [officer]
    assert [(c.name, c.weight, c.allows_na, c.position) for c in opp.rubric.all()] == [
        ("Technical merit", 50, False, 0), ("Supply-chain impact", 30, False, 1), ("Community benefits", 20, True, 2),
    ]


def test_a_closing_date_without_a_time_means_five_pm_eastern(client, officer):
    client.post(CREATE_URL, opportunity_data(closes_at="2027-01-15") | rubric_data(THREE_CRITERIA))
    opp = FundingOpportunity.objects.get(number="FA8650-27-S-0042")
    assert opp.closes_at == dt.datetime(2027, 1, 15, 22, 0, tzinfo=dt.UTC)


def test_new_form_defaults_closing_time_to_five_pm_and_min_reviewers_to_three(client, officer):
    resp = client.get(CREATE_URL)
    html = resp.content.decode()
    assert resp.status_code == 200
    assert 'type="datetime-local"' in html
    assert resp.context["form"]["closes_at"].value().strftime("%H:%M") == "17:00"
    assert "T17:00" in html
    assert resp.context["form"]["min_reviewers"].value() == 3
    assert str(resp.context["form"]["credit_subsidy_rate_percent"].value()) == "10"


def test_weights_not_summing_to_100_rerender_with_rubric_error_and_keep_input(client, officer):
    rows = [("Technical merit", 50, False), ("Supply-chain impact", 30, False), ("Community benefits", 10, True)]
    resp = client.post(CREATE_URL, opportunity_data() | rubric_data(rows))
    html = resp.content.decode()
    assert resp.status_code == 200
    assert not FundingOpportunity.objects.filter(number="FA8650-27-S-0042").exists()
    assert "Criterion weights must sum to 100; they sum to 90." in resp.context["form"].non_field_errors()[0]
    assert "Criterion weights must sum to 100; they sum to 90." in html
    assert 'value="FA8650-27-S-0042"' in html
    assert 'value="Rare earth magnet supply chain"' in html
    assert 'value="2027-01-15T17:00"' in html
    assert 'value="Community benefits"' in html
    assert resp.context["formset"].weight_total() == 90


def test_service_field_errors_show_on_their_fields(client, officer):
    resp = client.post(CREATE_URL, opportunity_data(max_award="300000000.00") | rubric_data(THREE_CRITERIA))
    assert resp.status_code == 200
    assert resp.context["form"].errors["max_award"] == ["The maximum award cannot exceed the budget ceiling."]
    assert not FundingOpportunity.objects.exists()


@pytest.mark.parametrize("trait", ["reviewer", None])
def test_applicants_and_reviewers_may_not_create_or_edit(client, trait):
    client.force_login(UserFactory(**({trait: True} if trait else {})))
    opp = OpportunityFactory()
    assert client.get(CREATE_URL).status_code == 403
    assert client.post(CREATE_URL, opportunity_data() | rubric_data(THREE_CRITERIA)).status_code == 403
    assert client.get(edit_url(opp)).status_code == 403
    assert client.post(edit_url(opp), opportunity_data() | rubric_data(THREE_CRITERIA)).status_code == 403
    assert not FundingOpportunity.objects.filter(number="FA8650-27-S-0042").exists()


def test_anonymous_users_are_sent_to_sign_in(client):
    resp = client.get(CREATE_URL)
    assert resp.status_code == 302 and "login" in resp["Location"]


# ---------------------------------------------------------------- edit


def edit_data(opp, rubric_rows, **overrides):
    fields = opportunity_data(
        number=opp.number, title=opp.title, opens_at="2026-12-01T08:00", closes_at="2027-01-15T17:00",
    ) | overrides
    # The factory's criteria have no description; posting none keeps an untouched rubric equal.
    return fields | rubric_data(rubric_rows, initial=opp.rubric.count(), total=len(rubric_rows), describe=False)


FACTORY_RUBRIC = [("Technical merit", 40, False), ("Supply-chain impact", 30, False),
                  ("Management and financial capability", 20, False),
                  ("Environmental and community benefits", 10, True)]


def test_edit_form_shows_current_values_and_delete_boxes(client, officer):
    opp = OpportunityFactory()
    resp = client.get(edit_url(opp))
    html = resp.content.decode()
    assert resp.status_code == 200
    assert f'value="{opp.number}"' in html
    assert 'name="rubric-3-DELETE"' in html
    assert resp.context["formset"].weight_total() == 100


def test_officer_edits_title_and_a_criterion_weight(client, officer):
    opp = OpportunityFactory()
    rows = [("Technical merit", 50, False), ("Supply-chain impact", 20, False), *FACTORY_RUBRIC[2:]]
    resp = client.post(edit_url(opp), edit_data(opp, rows, title="Heavy rare earth separation"))
    assert resp.status_code == 302
    opp.refresh_from_db()
    assert opp.title == "Heavy rare earth separation"
    assert [(c.name, c.weight) for c in opp.rubric.all()] == [
        ("Technical merit", 50), ("Supply-chain impact", 20),
        ("Management and financial capability", 20), ("Environmental and community benefits", 10),
    ]


def test_delete_box_removes_a_criterion(client, officer):
    opp = OpportunityFactory()
    rows = [("Technical merit", 50, False), *FACTORY_RUBRIC[1:3], (*FACTORY_RUBRIC[3], True)]
    resp = client.post(edit_url(opp), edit_data(opp, rows))
    assert resp.status_code == 302
    assert [c.name for c in opp.rubric.all()] == [
        "Technical merit", "Supply-chain impact", "Management and financial capability",
    ]


def test_edit_rerender_counts_kept_rows_and_blank_extra_rows(client, officer):
    opp = OpportunityFactory()
    rows = [("Technical merit", 45, False), *FACTORY_RUBRIC[1:3], (*FACTORY_RUBRIC[3], True)]
    data = edit_data(opp, rows) | {"rubric-TOTAL_FORMS": "6"}  # two blank extra rows
    resp = client.post(edit_url(opp), data)
    assert resp.status_code == 200
    assert "they sum to 95." in resp.content.decode()
    assert resp.context["formset"].weight_total() == 95
    assert [c.weight for c in opp.rubric.all()] == [40, 30, 20, 10]


def scored(opp):
    app = ApplicationFactory(opportunity=opp, status=ApplicationStatus.UNDER_REVIEW)
    submitted_review(app, UserFactory(reviewer=True), scores=[4, 3, 5, None])


def test_rubric_edit_is_refused_once_a_review_has_scored(client, officer):
    opp = OpportunityFactory()
    scored(opp)
    rows = [("Technical merit", 50, False), ("Supply-chain impact", 20, False), *FACTORY_RUBRIC[2:]]
    resp = client.post(edit_url(opp), edit_data(opp, rows, title="Changed while frozen"))
    html = resp.content.decode()
    assert resp.status_code == 200
    assert "The rubric cannot change after reviewers have scored against it." in html
    assert 'value="Changed while frozen"' in html
    opp.refresh_from_db()
    assert opp.title == "Domestic critical minerals production"
    assert [c.weight for c in opp.rubric.all()] == [40, 30, 20, 10]


def test_other_fields_stay_editable_after_reviews_scored_when_rubric_untouched(client, officer):
    opp = OpportunityFactory()
    scored(opp)
    resp = client.post(edit_url(opp), edit_data(opp, FACTORY_RUBRIC, title="Extended window",
                                                closes_at="2027-02-01T17:00"))
    assert resp.status_code == 302
    opp.refresh_from_db()
    assert opp.title == "Extended window"
    assert opp.closes_at == dt.datetime(2027, 2, 1, 22, 0, tzinfo=dt.UTC)


# ---------------------------------------------------------------- buttons on list and detail


def test_officers_see_new_and_edit_buttons_and_applicants_do_not(client):
    opp = OpportunityFactory()
    officer = UserFactory(officer=True)
    client.force_login(officer)
    assert CREATE_URL in client.get(reverse("applications:opportunity_list")).content.decode()
    assert edit_url(opp) in client.get(reverse("applications:opportunity_detail", args=[opp.pk])).content.decode()
    client.force_login(UserFactory())
    assert CREATE_URL not in client.get(reverse("applications:opportunity_list")).content.decode()
    assert edit_url(opp) not in client.get(reverse("applications:opportunity_detail", args=[opp.pk])).content.decode()
