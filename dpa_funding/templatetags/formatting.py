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
