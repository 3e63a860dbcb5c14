"""Template filters for the one money and time format (dpa_funding.formatting)."""

from django import template

from dpa_funding import formatting

register = template.Library()


@register.filter
def money(value):
    return formatting.money(value)


@register.filter
def eastern(value):
    return formatting.eastern(value)


@register.filter
def eastern_date(value):
    return formatting.eastern(value, with_time=False)


@register.filter
def state_label(value):
    """A workflow state as people read it ("Pending acceptance"), never the code."""
    return formatting.state_label(value)


@register.filter
def transition_label(value):
    """A transition name as people read it ("Start screening")."""
    return formatting.transition_label(value)


@register.filter
def country_name(code):
    """An ISO 3166-1 alpha-2 code as its country's name ("CN" -> "China")."""
    from accounts.geography import country_label

    return country_label(code)
