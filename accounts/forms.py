"""HTML forms for accounts. Forms only parse input; services validate and write.

Model forms here skip Django's model validation (``_post_clean``) on purpose: the services
run ``full_clean`` themselves, and their ``ValidationFailed`` errors are mapped back onto
the form with :func:`add_service_errors`, so each rule lives in exactly one place.
"""

from decimal import Decimal
from functools import cache

import pycountry
from django import forms

from dpa_funding.errors import ValidationFailed

from .choices import MemberRole
from .geography import grouped_choices
from .models import Organization
from .validators import USERNAME_HELP

# USWDS classes per widget type (see templates/includes/form_field.html).
USWDS_CLASSES = {
    forms.Select: "usa-select",
    forms.SelectMultiple: "usa-select",
    forms.Textarea: "usa-textarea",
    forms.CheckboxInput: "usa-checkbox__input",
    forms.CheckboxSelectMultiple: "usa-checkbox__input",
    forms.RadioSelect: "usa-radio__input",
    forms.ClearableFileInput: "usa-file-input",
    forms.FileInput: "usa-file-input",
}


def _css_class(widget) -> str:
    for widget_type in type(widget).__mro__:
        if widget_type in USWDS_CLASSES:
            return USWDS_CLASSES[widget_type]
    return "usa-input"


class USWDSFormMixin:
    """Give every widget its USWDS class, and mark fields in error for styling and a11y."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if field.widget.is_hidden:
                continue
            css = _css_class(field.widget)
            existing = field.widget.attrs.get("class", "")
            field.widget.attrs["class"] = f"{existing} {css}".strip()

    def full_clean(self):
        super().full_clean()
        self.mark_errors()

    def mark_errors(self) -> None:
        for name in getattr(self, "_errors", None) or {}:
            if name in self.fields:
                widget = self.fields[name].widget
                css = _css_class(widget)
                if css in ("usa-input", "usa-select", "usa-textarea"):
                    classes = widget.attrs.get("class", "")
                    if f"{css}--error" not in classes:
                        widget.attrs["class"] = f"{classes} {css}--error".strip()


def add_service_errors(form: forms.BaseForm, exc: ValidationFailed) -> None:
    """Attach a service's field errors to the form: known fields get field errors, the rest
    (``__all__``, ``budget``, fields the form does not show) become non-field errors."""
    aliases = getattr(form, "error_aliases", {})
    elsewhere = getattr(form, "errors_shown_elsewhere", ())
    for name, messages in exc.errors.items():
        if name in elsewhere:
            continue
        name = aliases.get(name, name)
        messages = messages if isinstance(messages, list | tuple) else [messages]
        for message in messages:
            if name in form.fields:
                form.add_error(name, message)
            else:
                label = "" if name in ("__all__", "non_field_errors") else f"{name.replace('_', ' ').capitalize()}: "
                form.add_error(None, f"{label}{message}")
    if isinstance(form, USWDSFormMixin):
        form.mark_errors()


class ServiceModelForm(USWDSFormMixin, forms.ModelForm):
    """A ModelForm that parses fields but leaves model validation to the service."""

    def _post_clean(self):
        # Deliberately no construct_instance/full_clean: the service owns validation.
        pass


class RegisterForm(USWDSFormMixin, forms.Form):
    """Applicant self-registration. Password rules are enforced by accounts.services.user_create."""

    username = forms.CharField(max_length=150, help_text=USERNAME_HELP)
    email = forms.EmailField()
    first_name = forms.CharField(max_length=150, required=False)
    last_name = forms.CharField(max_length=150, required=False)
    password = forms.CharField(
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        strip=False,
        help_text="At least 12 characters; not a breached or common password, not one character "
                  "repeated, not entirely numeric, and not containing your username.",
    )
    password_confirm = forms.CharField(
        label="Confirm password", strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self):
        data = super().clean()
        if data.get("password") and data.get("password_confirm") and data["password"] != data["password_confirm"]:
            self.add_error("password_confirm", "The two passwords do not match.")
        return data


class LocationField(forms.ChoiceField):
    """Country and subdivision chosen together (``US-NV``, ``AU-WA``): the subdivision codes
    repeat across countries, so one select with a group per country avoids ambiguity."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", "State, province or nation")
        super().__init__(choices=[("", "- Select -"), *grouped_choices()], **kwargs)

    @staticmethod
    def initial_for(instance) -> str:
        return f"{instance.country}-{instance.state}" if instance.pk and instance.state else ""

    @staticmethod
    def split(value: str) -> dict:
        country, _, state = (value or "").partition("-")
        return {"country": country, "state": state}


class LocationFormMixin:
    """Puts the ``location`` field's country and state into the service fields."""

    error_aliases = {"country": "location", "state": "location"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["location"].initial = LocationField.initial_for(self.instance)


class OrganizationForm(LocationFormMixin, ServiceModelForm):
    errors_shown_elsewhere = ("owners",)  # on the owner rows (OwnerFormSet)
    location = LocationField(help_text="Applicants in Australia or the United Kingdom are domestic "
                                       "sources only after a program officer's determination.")

    class Meta:
        model = Organization
        fields = [
            "legal_name", "uei", "ein", "cage_code", "naics_code", "address_line1", "city",
            "postal_code", "congressional_district",
        ]
        help_texts = {
            "uei": "SAM.gov Unique Entity ID: 12 characters, letters and digits, no I or O, not starting with 0.",
            "ein": "9 digits, no dash.",
            "cage_code": "5 letters or digits (optional).",
            "naics_code": "6 digits.",
            "congressional_district": "US addresses only: e.g. NV-002, or WY-AL for at-large.",
        }

    def service_fields(self) -> dict:
        fields = {name: self.cleaned_data[name] for name in self.Meta.fields}
        return {**fields, **LocationField.split(self.cleaned_data["location"])}


@cache
def owner_country_choices() -> list[tuple[str, str]]:
    return [("", "- Select -"), *sorted(((c.alpha_2, c.name) for c in pycountry.countries),
                                        key=lambda choice: choice[1])]


class OwnerForm(USWDSFormMixin, forms.Form):
    """One row of the ownership disclosure; a row left blank is ignored."""

    name = forms.CharField(max_length=200, label="Owner name")
    country = forms.ChoiceField(choices=owner_country_choices, label="Owner's country")
    percent = forms.DecimalField(max_digits=5, decimal_places=2, min_value=Decimal("0.01"),
                                 max_value=Decimal("100"), label="Share (%)")
    government_controlled = forms.BooleanField(required=False, label="Government-controlled")


class BaseOwnerFormSet(forms.BaseFormSet):
    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = "Remove this owner"
            form.fields["DELETE"].widget.attrs["class"] = "usa-checkbox__input"

    def owners(self) -> list[dict]:
        """The rows to keep, in order (blank extra rows and rows marked for removal dropped)."""
        return [form.cleaned_data for form in self._kept_forms()]

    def _kept_forms(self) -> list[forms.Form]:
        return [form for form in self.forms
                if form.has_changed() and not form.cleaned_data.get("DELETE")
                and form.cleaned_data]

    def add_service_errors(self, exc: ValidationFailed) -> None:
        """Per-owner errors onto their rows; the total (or anything else) above the table."""
        errors = exc.errors.get("owners")
        if not isinstance(errors, dict):
            return
        kept = self._kept_forms()
        for key, item in errors.items():
            if key == "non_field_errors":
                self.non_form_errors().extend(item)
            elif isinstance(key, int) and key < len(kept):
                for name, messages in item.items():
                    for message in messages:
                        kept[key].add_error(name if name in kept[key].fields else None, message)
                kept[key].mark_errors()


OwnerFormSet = forms.formset_factory(OwnerForm, formset=BaseOwnerFormSet, extra=2, can_delete=True,
                                     max_num=50, validate_max=True)


def owner_initial(organization) -> list[dict]:
    if organization is None or organization.pk is None:
        return []
    return [{"name": o.name, "country": o.country, "percent": o.percent,
             "government_controlled": o.government_controlled} for o in organization.owners.all()]


class MemberAddForm(USWDSFormMixin, forms.Form):
    username = forms.CharField(max_length=150, help_text="The username of the applicant account to invite.")
    role = forms.ChoiceField(choices=MemberRole.choices, initial=MemberRole.CONTRIBUTOR)
