"""HTML forms of merit review. They parse input; reviews.services validates and writes."""

from django import forms

from accounts.forms import USWDSFormMixin, _css_class
from accounts.models import User
from dpa_funding import policy

NA = "na"


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"


class CoiForm(USWDSFormMixin, forms.Form):
    has_conflict = forms.TypedChoiceField(
        label="Do you have a conflict of interest with this applicant or project?",
        choices=[("no", "No, I have no conflict of interest"), ("yes", "Yes, I have a conflict of interest")],
        coerce=lambda v: v == "yes", widget=forms.RadioSelect,
        help_text="Financial, employment, family or collaborative ties within the last three years. "
                  "Declaring a conflict recuses you from this application permanently.",
    )
    statement = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}),
                                label="Describe the conflict (required if you declare one)")


class ScoreForm(USWDSFormMixin, forms.Form):
    """One radio group (1-5, plus n/a where allowed) and comment per rubric criterion."""

    overall_comment = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 5}),
                                      label="Overall comment")

    def __init__(self, *args, criteria, scores=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        existing = {s.criterion_id: s for s in (scores or [])}
        for c in self.criteria:
            choices = [(str(i), str(i)) for i in range(1, 6)] + ([(NA, "n/a")] if c.allows_na else [])
            row = existing.get(c.pk)
            self.fields[f"score_{c.pk}"] = forms.ChoiceField(
                label=f"{c.name} (weight {c.weight}%)", choices=choices, required=False, widget=forms.RadioSelect,
                help_text=c.description or None,
                initial=(NA if row.score is None else str(row.score)) if row else None)
            self.fields[f"comment_{c.pk}"] = forms.CharField(
                label=f"Comment on {c.name}", required=False, widget=forms.Textarea(attrs={"rows": 3}),
                initial=row.comment if row else "")
        self.order_fields([*(n for c in self.criteria for n in (f"score_{c.pk}", f"comment_{c.pk}")),
                           "overall_comment"])
        # The mixin styled the fields that existed when it ran; style the ones added here.
        for c in self.criteria:
            for name in (f"score_{c.pk}", f"comment_{c.pk}"):
                self.fields[name].widget.attrs["class"] = _css_class(self.fields[name].widget)

    def criterion_fields(self):
        return [(c, self[f"score_{c.pk}"], self[f"comment_{c.pk}"]) for c in self.criteria]

    def scores_payload(self) -> list[dict]:
        """Criteria left blank stay unscored (draft); "n/a" is a null score."""
        items = []
        for c in self.criteria:
            value = self.cleaned_data.get(f"score_{c.pk}")
            if not value:
                continue
            items.append({"criterion": c.pk, "score": None if value == NA else int(value),
                          "comment": self.cleaned_data.get(f"comment_{c.pk}", "")})
        return items


class DeclineForm(USWDSFormMixin, forms.Form):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), label="Reason for declining")


class AssignForm(USWDSFormMixin, forms.Form):
    reviewer = forms.ModelChoiceField(queryset=User.objects.none(), label="Reviewer")
    due_at = forms.DateTimeField(required=False, widget=DateTimeInput(), label="Review due",
                                 help_text="Leave empty for the opportunity's review window.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reviewer"].queryset = policy.users_who_may("review.serve").order_by(
            "last_name", "username")
        self.fields["reviewer"].label_from_instance = lambda u: u.get_full_name() or u.username


class AutoAssignForm(USWDSFormMixin, forms.Form):
    per_application = forms.IntegerField(min_value=1, initial=3, label="Reviewers per application")
    cap_per_reviewer = forms.IntegerField(min_value=1, initial=10, label="Most assignments per reviewer",
                                          help_text="Counts the reviewer's existing assignments in this opportunity.")
    due_at = forms.DateTimeField(required=False, widget=DateTimeInput(), label="Reviews due",
                                 help_text="Leave empty for the opportunity's review window.")
