"""Form fields shared by the HTML forms.

MoneyField: dollars typed and shown grouped ("20,000,000.00", "$1,250"), parsed as a Decimal.
A number input cannot show grouping, so it is a text input with the decimal keypad on phones.
"""

from decimal import Decimal, InvalidOperation

from django import forms


def _plain(value) -> str:
    return str(value).replace(",", "").replace("$", "").replace(" ", "").strip()


class MoneyInput(forms.TextInput):
    def __init__(self, attrs=None):
        super().__init__({"inputmode": "decimal", "autocomplete": "off", **(attrs or {})})

    def format_value(self, value):
        if value in (None, ""):
            return None
        if isinstance(value, str):
            return value  # what the person typed comes back exactly as typed
        try:
            amount = Decimal(_plain(value))
        except (InvalidOperation, ValueError):
            return str(value)  # what the person typed, shown back with its error
        return f"{amount:,.2f}"


class MoneyField(forms.DecimalField):
    widget = MoneyInput

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_digits", 15)
        kwargs.setdefault("decimal_places", 2)
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        return super().to_python(_plain(value) if isinstance(value, str) else value)

    def widget_attrs(self, widget):
        # DecimalField would add number-input attributes (step, min) that a text input ignores.
        attrs = super().widget_attrs(widget)
        for name in ("step", "min", "max"):
            attrs.pop(name, None)
        return attrs


def money_formfield(model_field, **kwargs):
    """formfield_callback for ModelForms: money columns (decimal, 2 places) become MoneyField."""
    from django.db import models

    if isinstance(model_field, models.DecimalField) and model_field.decimal_places == 2:
        return model_field.formfield(form_class=MoneyField, **kwargs)
    return model_field.formfield(**kwargs)
