"""Template tags of post-award management."""

from django import template

from dpa_funding import policy

register = template.Library()

DASHBOARD_ITEMS = 10


@register.simple_tag(takes_context=True)
def due_items_for_user(context):
    """The first due items of the signed-in recipient (for their dashboard), soonest first."""
    from postaward.selectors import due_items_for

    user = context["request"].user
    if not policy.may(user, "due_list.view"):
        return []
    return due_items_for(user)[:DASHBOARD_ITEMS]
