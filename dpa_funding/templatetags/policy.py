"""Template access to the policy: ``{% may "award.accept" award as can_accept %}``.

Templates never compare roles; they ask the same question the services enforce.
"""

from django import template

from dpa_funding import policy

register = template.Library()


@register.simple_tag(takes_context=True)
def may(context, action: str, obj=None) -> bool:
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    return policy.may(user, action, obj)
