"""Forms for the notifications pages."""

from django import forms

from .choices import OPTIONAL_KINDS


class PreferencesForm(forms.Form):
    """One checkbox per optional kind. Deadline reminders are not listed: they are mandatory."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for kind in OPTIONAL_KINDS:
            self.fields[kind.value] = forms.BooleanField(
                label=kind.label, required=False,
                widget=forms.CheckboxInput(attrs={"class": "usa-checkbox__input"}))
