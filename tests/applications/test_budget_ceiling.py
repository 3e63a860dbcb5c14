"""An opportunity's budget ceiling never goes below what is obligated."""

from decimal import Decimal

import pytest

from applications.services import opportunity_update
from awards.selectors import opportunity_funds
from dpa_funding.errors import ValidationFailed
from tests.awards.factories import issue, negotiation_app
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def awarded():
    """An opportunity (ceiling 100M) with one 10M grant obligated."""
    app = negotiation_app(federal_amount=Decimal("10000000.00"))
    issue(app)
    return app.opportunity


def test_the_service_refuses_a_ceiling_below_obligations_with_every_field_error(awarded):
    officer = UserFactory(officer=True)
    with pytest.raises(ValidationFailed) as excinfo:
        opportunity_update(actor=officer, opportunity=awarded, budget_ceiling=Decimal("9999999.99"),
                           max_award=Decimal("20000000.00"))
    errors = excinfo.value.errors
    assert "$10,000,000.00 already obligated" in errors["budget_ceiling"][0]
    assert "max_award" in errors  # max award above the ceiling is reported in the same answer
    awarded.refresh_from_db()
    assert awarded.budget_ceiling == Decimal("100000000.00")
    assert opportunity_funds(awarded)["available"] >= 0


def test_the_ceiling_may_come_down_to_exactly_the_obligated_amount(awarded):
    officer = UserFactory(officer=True)
    opportunity_update(actor=officer, opportunity=awarded, budget_ceiling=Decimal("10000000.00"),
                       max_award=Decimal("10000000.00"))
    awarded.refresh_from_db()
    assert opportunity_funds(awarded)["available"] == Decimal("0.00")


def test_the_api_answers_400_on_budget_ceiling(awarded, client_for):
    response = client_for(UserFactory(officer=True)).patch(
        f"/api/v1/opportunities/{awarded.pk}/", {"budget_ceiling": "5000000.00", "max_award": "5000000.00"},
        format="json")
    assert response.status_code == 400
    assert "already obligated" in response.json()["budget_ceiling"][0]


def test_the_html_form_shows_the_error_on_the_field(awarded, client):
    from applications.forms import OpportunityForm

    officer = UserFactory(officer=True)
    client.force_login(officer)
    page = client.get(f"/applications/opportunities/{awarded.pk}/edit/")
    assert page.status_code == 200
    form = page.context["form"]
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if isinstance(value, list):
            data[name] = [getattr(v, "pk", v) for v in value]
        elif value is not None:
            data[name] = getattr(value, "pk", value)
    formset = page.context["formset"]
    data.update({f"{formset.prefix}-{k}": v for k, v in formset.management_form.initial.items()})
    for i, sub in enumerate(formset.forms):
        for name in sub.fields:
            value = sub.initial.get(name)
            if value is not None:
                data[f"{formset.prefix}-{i}-{name}"] = value
    data["budget_ceiling"] = "1000.00"
    data["max_award"] = "1000.00"
    assert isinstance(form, OpportunityForm)
    response = client.post(f"/applications/opportunities/{awarded.pk}/edit/", data)
    assert response.status_code == 200, response.status_code
    assert "already obligated" in response.content.decode()
