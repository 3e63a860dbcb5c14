"""Tests for awards.schedule (pure Python: no Django, no database)."""

import calendar
from dataclasses import replace
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

import numpy_financial as npf
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from awards.schedule import (
    PERIODS_PER_YEAR,
    Installment,
    LoanInputs,
    ScheduleError,
    ScheduleSummary,
    build_schedule,
    level_payment,
    schedule_csv_rows,
    summarize,
)

D = Decimal
CENT = D("0.01")


def loan(**overrides):
    """A valid baseline loan (the hand-computed example below), with overrides."""
    base = LoanInputs(
        principal=D("1000.00"),
        annual_rate_percent=D("12"),
        term_months=3,
        grace_months=0,
        payment_frequency="monthly",
        first_payment_date=date(2024, 1, 15),
    )
    return replace(base, **overrides)


def money_rows(schedule):
    """(payment, interest, principal, balance) per row, as strings for readable diffs."""
    return [(str(r.payment), str(r.interest), str(r.principal), str(r.balance)) for r in schedule]


# --------------------------------------------------------------------- hand-computed examples


def test_hand_computed_monthly_example():
    # r = 12% / 12 = 0.01, n = m = 3.
    # P = 1000 * 0.01 / (1 - 1.01**-3) = 10.30301 / 0.030301 = 340.0221... -> 340.02
    # 1: interest 1000.00 * 0.01 = 10.00;  principal 340.02 - 10.00 = 330.02; balance 669.98
    # 2: interest  669.98 * 0.01 =  6.6998 -> 6.70; principal 333.32;          balance 336.66
    # 3: interest  336.66 * 0.01 =  3.3666 -> 3.37; final payment repays 336.66 + 3.37 = 340.03
    inputs = loan()
    schedule = build_schedule(inputs)

    assert level_payment(inputs) == D("340.02")
    assert [r.number for r in schedule] == [1, 2, 3]
    assert money_rows(schedule) == [
        ("340.02", "10.00", "330.02", "669.98"),
        ("340.02", "6.70", "333.32", "336.66"),
        ("340.03", "3.37", "336.66", "0.00"),
    ]
    assert [r.due_date for r in schedule] == [
        date(2024, 1, 15),
        date(2024, 2, 15),
        date(2024, 3, 15),
    ]


def test_hand_computed_summary():
    inputs = loan()
    summary = summarize(build_schedule(inputs), inputs)
    assert summary == ScheduleSummary(
        periods=3,
        grace_periods=0,
        level_payment=D("340.02"),
        total_payments=D("1020.07"),  # 340.02 + 340.02 + 340.03
        total_interest=D("20.07"),  # 10.00 + 6.70 + 3.37
        total_principal=D("1000.00"),
        final_due_date=date(2024, 3, 15),
    )


def test_half_cent_ties_round_half_up():
    # One annual period at 1%: interest 1000.50 * 0.01 = 10.005 exactly -> 10.01 (half-up;
    # banker's rounding would give 10.00).  P = 1000.50 * 1.01 = 1010.505 -> 1010.51.
    inputs = loan(
        principal=D("1000.50"),
        annual_rate_percent=D("1"),
        term_months=12,
        payment_frequency="annual",
    )
    assert level_payment(inputs) == D("1010.51")
    assert money_rows(build_schedule(inputs)) == [("1010.51", "10.01", "1000.50", "0.00")]


def test_tiny_rate_level_payment_is_exact():
    # m = 1: P = principal * (1 + r) = 91354113.19 * (1 + 0.00001 / 12)
    #        = 91354113.19 + 76.1284276583... = 91354189.3184... -> 91354189.32;
    # interest 76.128... -> 76.13, so the final payment is also 91354189.32.
    inputs = loan(principal=D("91354113.19"), annual_rate_percent=D("0.001"), term_months=1)
    assert level_payment(inputs) == D("91354189.32")
    assert money_rows(build_schedule(inputs)) == [("91354189.32", "76.13", "91354113.19", "0.00")]


def test_zero_rate_schedule():
    # P = 100.00 / 3 = 33.333... -> 33.33; the last payment picks up the extra cent.
    inputs = loan(principal=D("100.00"), annual_rate_percent=D("0"))
    schedule = build_schedule(inputs)
    assert level_payment(inputs) == D("33.33")
    assert money_rows(schedule) == [
        ("33.33", "0.00", "33.33", "66.67"),
        ("33.33", "0.00", "33.33", "33.34"),
        ("33.34", "0.00", "33.34", "0.00"),
    ]
    assert summarize(schedule, inputs).total_interest == D("0.00")


def test_zero_rate_with_grace_spreads_principal_over_amortizing_periods_only():
    # 24 monthly periods, 12 of grace: m = 12, P = 1200.00 / 12 = 100.00 (not 1200 / 24).
    inputs = loan(
        principal=D("1200.00"), annual_rate_percent=D("0"), term_months=24, grace_months=12
    )
    schedule = build_schedule(inputs)
    assert level_payment(inputs) == D("100.00")
    assert money_rows(schedule[:12]) == [("0.00", "0.00", "0.00", "1200.00")] * 12
    assert money_rows(schedule[12:]) == [
        ("100.00", "0.00", "100.00", f"{1100 - 100 * i}.00") for i in range(12)
    ]


def test_zero_rate_rounds_level_payment_half_up():
    # 0.05 / 2 = 0.025 -> 0.03 half-up (half-even would be 0.02).
    inputs = loan(principal=D("0.05"), annual_rate_percent=D("0"), term_months=2)
    assert level_payment(inputs) == D("0.03")
    assert money_rows(build_schedule(inputs)) == [
        ("0.03", "0.00", "0.03", "0.02"),
        ("0.02", "0.00", "0.02", "0.00"),
    ]


def test_grace_periods_are_interest_only_then_amortize():
    # Quarterly at 8%: r = 0.02; 24 months = 8 periods, 6 months grace = 2 periods, m = 6.
    # P = 10000 * 0.02 / (1 - 1.02**-6) = 1785.258... -> 1785.26
    inputs = LoanInputs(
        principal=D("10000.00"),
        annual_rate_percent=D("8"),
        term_months=24,
        grace_months=6,
        payment_frequency="quarterly",
        first_payment_date=date(2025, 3, 31),
    )
    schedule = build_schedule(inputs)
    assert level_payment(inputs) == D("1785.26")
    assert money_rows(schedule) == [
        ("200.00", "200.00", "0.00", "10000.00"),  # grace: interest only
        ("200.00", "200.00", "0.00", "10000.00"),  # grace: balance unchanged
        ("1785.26", "200.00", "1585.26", "8414.74"),
        ("1785.26", "168.29", "1616.97", "6797.77"),  # 8414.74 * 0.02 = 168.2948
        ("1785.26", "135.96", "1649.30", "5148.47"),  # 6797.77 * 0.02 = 135.9554
        ("1785.26", "102.97", "1682.29", "3466.18"),  # 5148.47 * 0.02 = 102.9694
        ("1785.26", "69.32", "1715.94", "1750.24"),  # 3466.18 * 0.02 = 69.3236
        ("1785.24", "35.00", "1750.24", "0.00"),  # 1750.24 * 0.02 = 35.0048
    ]
    summary = summarize(schedule, inputs)
    assert (summary.periods, summary.grace_periods) == (8, 2)
    assert summary.final_due_date == date(2026, 12, 31)


def test_grace_defers_the_same_amortization():
    # After the grace periods, the rows are exactly those of an ungraced loan of m periods.
    graced = loan(
        principal=D("250000.00"), annual_rate_percent=D("5.375"), term_months=60, grace_months=12
    )
    plain = replace(graced, term_months=48, grace_months=0)
    graced_rows = build_schedule(graced)
    assert all(r.principal == 0 and r.balance == D("250000.00") for r in graced_rows[:12])
    # Grace interest: 250000.00 * 0.05375 / 12 = 1119.7916... -> 1119.79
    assert all(r.payment == r.interest == D("1119.79") for r in graced_rows[:12])
    assert money_rows(graced_rows[12:]) == money_rows(build_schedule(plain))
    assert level_payment(graced) == level_payment(plain)


# --------------------------------------------------------------------- property test vs numpy


@st.composite
def loan_inputs(draw):
    frequency = draw(st.sampled_from(sorted(PERIODS_PER_YEAR)))
    months_per_period = 12 // PERIODS_PER_YEAR[frequency]
    periods = draw(st.integers(1, 360 // months_per_period))
    grace_periods = draw(st.integers(0, periods - 1))
    return LoanInputs(
        principal=D(draw(st.integers(100, 500_000_000_00))).scaleb(-2),
        annual_rate_percent=D(draw(st.integers(0, 20_000))).scaleb(-3),
        term_months=periods * months_per_period,
        grace_months=grace_periods * months_per_period,
        payment_frequency=frequency,
        first_payment_date=draw(st.dates(date(2000, 1, 1), date(2100, 12, 31))),
    )


def _months_between(a, b):
    return (b.year - a.year) * 12 + (b.month - a.month)


@settings(max_examples=200, deadline=None)
@given(loan_inputs())
def test_schedule_invariants_and_numpy_financial_cross_check(inputs):
    f = PERIODS_PER_YEAR[inputs.payment_frequency]
    months_per_period = 12 // f
    n = inputs.term_months // months_per_period
    g = inputs.grace_months // months_per_period
    m = n - g
    r = float(inputs.annual_rate_percent) / 100 / f
    expected_payment = float(npf.pmt(r, m, -float(inputs.principal)))

    errors = inputs.validation_errors()
    if errors:
        # The only acceptable rejection: a principal so small that cent rounding of the level
        # payment would repay it before the final period.  Check that this is plausible with
        # an error bound: each period's rounding moves the balance by at most a cent, compounded.
        assert set(errors) == {"principal"}, errors
        assert "too small" in errors["principal"]
        drift = 0.01 * ((m - 1) if r == 0 else ((1 + r) ** (m - 1) - 1) / r)
        exact_balance_before_final = expected_payment / (1 + r)
        assert exact_balance_before_final <= drift + 1e-6
        with pytest.raises(ScheduleError):
            build_schedule(inputs)
        return

    payment = level_payment(inputs)
    schedule = build_schedule(inputs)

    # Independent implementation: numpy-financial (floats) agrees to within a cent.  At tiny
    # rates its float 1 - (1 + r)**-m cancels catastrophically (relative error ~ eps / r), so
    # allow for that too: e.g. 91354113.19 at 0.001% for one month is exactly 91354189.3184...
    # (-> .32) while float pmt says 91354189.33.
    float_slack = float(inputs.principal) * 1e-15 / (r * m) if r else 0.0
    assert abs(float(payment) - expected_payment) <= 0.01 + 1e-9 + float_slack
    assert len(schedule) == n
    assert [row.number for row in schedule] == list(range(1, n + 1))

    previous_balance = inputs.principal
    for row in schedule:
        for amount in (row.payment, row.interest, row.principal, row.balance):
            assert amount.as_tuple().exponent == -2  # always whole cents
        assert row.payment == row.interest + row.principal
        assert row.interest == (previous_balance * inputs.annual_rate_percent / 100 / f).quantize(
            CENT, rounding=ROUND_HALF_UP
        )
        assert row.balance == previous_balance - row.principal
        assert row.balance >= 0
        assert row.principal >= 0
        if row.number <= g:
            assert row.principal == 0 and row.balance == inputs.principal
        elif row.number < n:
            assert row.payment == payment
            assert row.balance > 0
        offset = _months_between(inputs.first_payment_date, row.due_date)
        assert offset == (row.number - 1) * months_per_period
        last_day = calendar.monthrange(row.due_date.year, row.due_date.month)[1]
        assert row.due_date.day == min(inputs.first_payment_date.day, last_day)
        previous_balance = row.balance

    assert schedule[-1].balance == D("0.00")
    assert sum(row.principal for row in schedule) == inputs.principal
    summary = summarize(schedule, inputs)
    assert summary.total_principal == inputs.principal
    assert summary.total_payments == inputs.principal + summary.total_interest
    assert summary.level_payment == payment


# --------------------------------------------------------------------- due dates


def test_month_end_clamping_is_not_cumulative():
    inputs = loan(term_months=6, first_payment_date=date(2024, 1, 31), principal=D("6000.00"))
    assert [r.due_date for r in build_schedule(inputs)] == [
        date(2024, 1, 31),
        date(2024, 2, 29),  # leap year
        date(2024, 3, 31),  # back to the 31st, not stuck on the 29th
        date(2024, 4, 30),
        date(2024, 5, 31),
        date(2024, 6, 30),
    ]
    non_leap = replace(inputs, first_payment_date=date(2023, 1, 31), term_months=3)
    assert [r.due_date for r in build_schedule(non_leap)] == [
        date(2023, 1, 31),
        date(2023, 2, 28),
        date(2023, 3, 31),
    ]


def test_quarterly_spacing_with_clamping():
    inputs = loan(
        payment_frequency="quarterly", term_months=15, first_payment_date=date(2024, 11, 30)
    )
    assert [r.due_date for r in build_schedule(inputs)] == [
        date(2024, 11, 30),
        date(2025, 2, 28),
        date(2025, 5, 30),
        date(2025, 8, 30),
        date(2025, 11, 30),
    ]


def test_semiannual_spacing():
    inputs = loan(
        payment_frequency="semiannual", term_months=24, first_payment_date=date(2023, 8, 31)
    )
    assert [r.due_date for r in build_schedule(inputs)] == [
        date(2023, 8, 31),
        date(2024, 2, 29),
        date(2024, 8, 31),
        date(2025, 2, 28),
    ]


def test_annual_spacing_from_leap_day():
    inputs = loan(payment_frequency="annual", term_months=60, first_payment_date=date(2024, 2, 29))
    schedule = build_schedule(inputs)
    assert [r.due_date for r in schedule] == [
        date(2024, 2, 29),
        date(2025, 2, 28),
        date(2026, 2, 28),
        date(2027, 2, 28),
        date(2028, 2, 29),
    ]
    assert summarize(schedule, inputs).final_due_date == date(2028, 2, 29)


# --------------------------------------------------------------------- validation


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"term_months": 13, "payment_frequency": "quarterly"}, "term_months"),
        ({"term_months": 12, "grace_months": 12}, "grace_months"),
        ({"term_months": 12, "grace_months": 18}, "grace_months"),
        ({"annual_rate_percent": D("-1")}, "annual_rate_percent"),
        ({"annual_rate_percent": D("100.001")}, "annual_rate_percent"),
        ({"principal": D("0.00")}, "principal"),
        ({"principal": D("-5.00")}, "principal"),
        ({"principal": D("100.005")}, "principal"),
        ({"payment_frequency": "weekly"}, "payment_frequency"),
        ({"term_months": 0}, "term_months"),
        ({"term_months": 601}, "term_months"),
        ({"term_months": 24, "grace_months": 4, "payment_frequency": "semiannual"}, "grace_months"),
        ({"grace_months": -1}, "grace_months"),
        ({"principal": 1000.0}, "principal"),  # floats have already lost the cents
        ({"first_payment_date": datetime(2024, 1, 15, 9, 0)}, "first_payment_date"),
        ({"first_payment_date": date(9999, 6, 1), "term_months": 12}, "first_payment_date"),
    ],
)
def test_validation_names_the_offending_field(overrides, field):
    inputs = loan(**overrides)
    assert list(inputs.validation_errors()) == [field]
    with pytest.raises(ScheduleError) as excinfo:
        inputs.validate()
    assert excinfo.value.field == field
    assert excinfo.value.message == inputs.validation_errors()[field]
    assert isinstance(excinfo.value, ValueError)
    with pytest.raises(ScheduleError) as excinfo:
        build_schedule(inputs)
    assert excinfo.value.field == field
    with pytest.raises(ScheduleError):
        level_payment(inputs)


def test_term_not_whole_quarters_message_is_readable():
    errors = loan(term_months=13, payment_frequency="quarterly").validation_errors()
    assert "13 months" in errors["term_months"]
    assert "quarterly" in errors["term_months"]


def test_validation_reports_every_problem_and_raises_the_first():
    inputs = loan(
        principal=D("0"),
        annual_rate_percent=D("-2"),
        term_months=13,
        grace_months=13,
        payment_frequency="weekly",
    )
    errors = inputs.validation_errors()
    # term_months is not reported: 13 months can only be judged against a known frequency.
    assert list(errors) == ["principal", "annual_rate_percent", "grace_months", "payment_frequency"]
    with pytest.raises(ScheduleError) as excinfo:
        inputs.validate()
    assert excinfo.value.field == "principal"


def test_valid_edge_inputs_are_accepted():
    assert loan(annual_rate_percent=D("100")).validation_errors() == {}
    assert loan(annual_rate_percent=D("0")).validation_errors() == {}
    assert loan(principal=D("0.01"), term_months=1).validation_errors() == {}
    assert loan(term_months=600, principal=D("1000000.00")).validation_errors() == {}
    assert loan(principal=D("1E+3")).validation_errors() == {}  # 1000, no decimals needed


def test_principal_too_small_to_amortize_is_rejected():
    # 1.00 over 120 months at 0%: P = 0.00833 -> 0.01, and 119 such payments (1.19) would
    # overpay the loan, driving the balance negative from payment 101 on.
    inputs = loan(principal=D("1.00"), annual_rate_percent=D("0"), term_months=120)
    errors = inputs.validation_errors()
    assert list(errors) == ["principal"]
    assert "payment 100" in errors["principal"]
    # Ten times the principal is fine: P = 0.08, 119 * 0.08 = 9.52 < 10.00.
    bigger = replace(inputs, principal=D("10.00"))
    schedule = build_schedule(bigger)
    assert schedule[-2].balance == D("0.48")
    assert schedule[-1].payment == D("0.48")


def test_summarize_rejects_a_schedule_from_other_inputs():
    schedule = build_schedule(loan())
    with pytest.raises(ValueError):
        summarize(schedule, loan(term_months=6))


# --------------------------------------------------------------------- CSV


def test_csv_rows():
    rows = list(schedule_csv_rows(build_schedule(loan())))
    assert rows == [
        ["number", "due_date", "payment", "interest", "principal", "balance"],
        ["1", "2024-01-15", "340.02", "10.00", "330.02", "669.98"],
        ["2", "2024-02-15", "340.02", "6.70", "333.32", "336.66"],
        ["3", "2024-03-15", "340.03", "3.37", "336.66", "0.00"],
    ]


def test_csv_money_is_plain_two_place_decimal():
    schedule = [
        Installment(
            number=1,
            due_date=date(2030, 6, 1),
            payment=D("5E+8"),
            interest=D("0"),
            principal=D("5E+8"),
            balance=D("0E-7"),
        )
    ]
    assert list(schedule_csv_rows(schedule))[1] == [
        "1",
        "2030-06-01",
        "500000000.00",
        "0.00",
        "500000000.00",
        "0.00",
    ]
