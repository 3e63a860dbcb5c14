from django import forms

from accounts.forms import USWDSFormMixin


class ClearForm(USWDSFormMixin, forms.Form):
    comment = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), label="Why these records are not this organization")
