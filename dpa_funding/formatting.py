"""One way to show money and times to people: grouped dollars and US Eastern time with
its zone named (federal deadlines are stated in Eastern time). Pages, emails, exports and
letters use these; the API keeps machine formats (decimal strings, ISO 8601)."""

from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

EASTERN = ZoneInfo("America/New_York")


def money(value: Decimal | int | float | str | None) -> str:
    """``$20,000,000.00``; negative amounts as ``-$1,250.00``; None as an em dash."""
    if value is None or value == "":
        return "—"
    amount = Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    sign = "-" if amount < 0 else ""
    return f"{sign}${abs(amount):,.2f}"


def eastern(value: datetime | None, *, with_time: bool = True) -> str:
    """``December 1, 2026, 5:00 p.m. EST`` (or the date alone); None as an em dash."""
    if value is None:
        return "—"
    if not isinstance(value, datetime):
        return long_date(value)
    local = value.astimezone(EASTERN)
    day = f"{local:%B} {local.day}, {local.year}"
    if not with_time:
        return day
    hour = local.hour % 12 or 12
    minute = f":{local.minute:02d}"
    meridiem = "a.m." if local.hour < 12 else "p.m."
    return f"{day}, {hour}{minute} {meridiem} {local.tzname()}"


def long_date(value: date | None) -> str:
    """``December 1, 2026``."""
    if value is None:
        return "—"
    return f"{value:%B} {value.day}, {value.year}"


def _labels() -> dict[str, str]:
    from applications.choices import ApplicationStatus
    from awards.choices import AwardStatus, LetterStatus
    from reviews.choices import AssignmentStatus

    labels: dict[str, str] = {}
    for choices in (LetterStatus, AssignmentStatus, AwardStatus, ApplicationStatus):
        labels.update(dict(choices.choices))
    return labels


def state_label(code: str | None) -> str:
    if not code:
        return "—"
    return _labels().get(code) or code.replace("_", " ").capitalize()


def transition_label(name: str | None) -> str:
    """The label a lifecycle table gives a transition, else the name in words."""
    if not name:
        return ""
    from dpa_funding import lifecycle

    return lifecycle.transition_label(name) or name.replace("_", " ").capitalize()
