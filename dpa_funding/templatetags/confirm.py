"""``{% confirm %}``: a USWDS modal that asks before an irreversible action.

    {% confirm "withdraw" heading="Withdraw this application?" opener="Withdraw application" danger=True open=form.errors %}
      <p>What happens…</p>
      <form method="post" …> … <button type="submit" class="usa-button">Withdraw</button>
        <button type="button" class="usa-button usa-button--unstyled" data-close-modal>Cancel</button></form>
    {% endconfirm %}

The page shows only the opener button; the form, and every field it needs, lives inside the
modal, because USWDS moves the modal to the end of <body> (a submit button outside its form
would lose it). Without JavaScript the modal's content shows inline, so the action still
works. ``open`` set (e.g. the form's errors after a failed POST) reopens the modal on load
(static/js/confirm.js); no inline script, so the strict CSP holds.
"""

from django import template
from django.templatetags.static import static
from django.utils.html import format_html

register = template.Library()


class ConfirmNode(template.Node):
    def __init__(self, key, kwargs, nodelist):
        self.key, self.kwargs, self.nodelist = key, kwargs, nodelist

    def render(self, context):
        key = self.key.resolve(context)
        opts = {name: value.resolve(context) for name, value in self.kwargs.items()}
        modal_id = f"confirm-{key}"
        body = self.nodelist.render(context)
        opener_class = "usa-button usa-button--secondary" if opts.get("danger") else "usa-button"
        if opts.get("outline"):
            opener_class += " usa-button--outline"
        return format_html(
            '<button type="button" class="{cls}" data-open-modal data-opens-confirm="{key}" aria-controls="{id}">{opener}</button>'
            '<div class="usa-modal" id="{id}" aria-labelledby="{id}-heading" aria-describedby="{id}-description"{open_attr}>'
            '<div class="usa-modal__content"><div class="usa-modal__main">'
            '<h2 class="usa-modal__heading" id="{id}-heading">{heading}</h2>'
            '<div class="usa-prose" id="{id}-description">{body}</div>'
            '</div>'
            '<button type="button" class="usa-button usa-modal__close" aria-label="Close this window" data-close-modal>'
            '<img src="{close}" alt="" class="site-modal-close-icon"></button>'
            '</div></div>',
            cls=opener_class, key=key, id=modal_id, opener=opts.get("opener", "Continue"),
            heading=opts.get("heading", "Are you sure?"), body=body, close=static("vendor/uswds/img/usa-icons/close.svg"),
            open_attr=format_html(' data-open-on-load="{}"', "on") if opts.get("open") else "",
        )


@register.tag
def confirm(parser, token):
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError("{% confirm %} needs a key: {% confirm \"withdraw\" heading=… %}")
    key = parser.compile_filter(bits[1])
    kwargs = {}
    for bit in bits[2:]:
        name, sep, value = bit.partition("=")
        if not sep:
            raise template.TemplateSyntaxError(f"{{% confirm %}} takes name=value options, not {bit!r}")
        kwargs[name] = parser.compile_filter(value)
    nodelist = parser.parse(("endconfirm",))
    parser.delete_first_token()
    return ConfirmNode(key, kwargs, nodelist)
