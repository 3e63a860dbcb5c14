"""The report forms' rules: what a progress report and an SF-425 must contain.

One function per kind returns the cleaned data and every problem, keyed by line, so the
API, the HTML form and the submit guard report all errors at once and agree on them.
"""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from .choices import PROGRESS_REQUIRED, PROGRESS_SECTIONS, SF425_LINES, ReportKind

CENT = Decimal("0.01")
MAX_TEXT = 20000
SF425_LABELS = dict(SF425_LINES)
PROGRESS_LABELS = dict(PROGRESS_SECTIONS)


def _money(value) -> Decimal | None:
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        result = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return result if result.is_finite() else None


def financial_errors(data: dict, *, federal_amount: Decimal) -> tuple[dict, dict[str, list[str]]]:
    """SF-425 lines as cents, and every problem: each line present, not negative, in cents;
    then the arithmetic the form's instructions imply."""
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, Decimal] = {}
    for name, label in SF425_LINES:
        raw = data.get(name)
        value = _money(raw)
        if raw in (None, ""):
            errors[name] = [f"Enter the {label.lower()} (0 if none)."]
        elif value is None:
            errors[name] = [f"The {label.lower()} must be an amount in dollars and cents."]
        elif value < 0:
            errors[name] = [f"The {label.lower()} cannot be negative."]
        elif value != value.quantize(CENT):
            errors[name] = [f"Enter the {label.lower()} in dollars and cents."]
        else:
            cleaned[name] = value.quantize(CENT, rounding=ROUND_HALF_UP)
    for name in sorted(set(data) - set(SF425_LABELS)):
        errors[name] = ["This line is not part of the SF-425."]

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    c = cleaned
    if {"federal_cash_receipts", "federal_cash_disbursements"} <= set(c):
        if c["federal_cash_disbursements"] > c["federal_cash_receipts"]:
            add("federal_cash_disbursements",
                f"Federal cash disbursements (${c['federal_cash_disbursements']:,.2f}) cannot exceed federal "
                f"cash receipts (${c['federal_cash_receipts']:,.2f}): cash on hand would be negative.")
    if {"federal_share_of_expenditures", "federal_cash_receipts",
            "federal_share_of_unliquidated_obligations"} <= set(c):
        limit = c["federal_cash_receipts"] + c["federal_share_of_unliquidated_obligations"]
        if c["federal_share_of_expenditures"] > limit:
            add("federal_share_of_expenditures",
                f"The federal share of expenditures (${c['federal_share_of_expenditures']:,.2f}) cannot exceed "
                f"federal cash receipts plus the federal share of unliquidated obligations (${limit:,.2f}).")
    if {"federal_share_of_expenditures", "federal_share_of_unliquidated_obligations"} <= set(c):
        total = c["federal_share_of_expenditures"] + c["federal_share_of_unliquidated_obligations"]
        if total > federal_amount:
            add("federal_share_of_unliquidated_obligations",
                f"The federal share of expenditures plus unliquidated obligations (${total:,.2f}) exceeds the "
                f"federal funds authorized (${federal_amount:,.2f}).")
    if "federal_cash_receipts" in c and c["federal_cash_receipts"] > federal_amount:
        add("federal_cash_receipts",
            f"Federal cash receipts (${c['federal_cash_receipts']:,.2f}) exceed the federal funds authorized "
            f"(${federal_amount:,.2f}).")
    return {k: f"{v:.2f}" for k, v in cleaned.items()}, errors


def progress_errors(data: dict) -> tuple[dict, dict[str, list[str]]]:
    """The narrative sections, trimmed; the required ones must be written."""
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, str] = {}
    for name, label in PROGRESS_SECTIONS:
        raw = data.get(name, "")
        if raw is None:
            raw = ""
        if not isinstance(raw, str):
            errors[name] = [f"{label} must be text."]
            continue
        text = raw.strip()
        if name in PROGRESS_REQUIRED and not text:
            errors[name] = [f"Describe the {label.lower()}."]
        elif len(text) > MAX_TEXT:
            errors[name] = [f"{label} is limited to {MAX_TEXT:,} characters."]
        else:
            cleaned[name] = text
    for name in sorted(set(data) - set(PROGRESS_LABELS)):
        errors[name] = ["This section is not part of the progress report."]
    return cleaned, errors


def report_data_errors(report, data) -> tuple[dict, dict[str, list[str]]]:
    """(cleaned data, errors by line) for ``report``'s kind."""
    if not isinstance(data, dict):
        return {}, {"data": ["Send the report's lines as an object."]}
    if report.kind == ReportKind.FINANCIAL:
        return financial_errors(data, federal_amount=Decimal(report.award.federal_amount))
    return progress_errors(data)
