"""Template helpers for pages that show an application outside its own page (the reviewer's)."""

from django import template

from applications import presentation
from applications.choices import BUDGET_CATEGORIES

register = template.Library()


@register.simple_tag
def budget_rows(application) -> list[tuple[str, object]]:
    """The SF-424A object classes with their amounts, in form order."""
    return [(label, getattr(application, f"budget_{name}")) for name, label in BUDGET_CATEGORIES]


@register.filter
def with_currency(documents) -> list[dict]:
    """Documents with ``superseded`` marked (applications.presentation.documents_with_currency)."""
    return presentation.documents_with_currency(documents)
