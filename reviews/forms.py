from django import forms

from reviews.models import ShareLink


class ShareForm(forms.Form):
    permission = forms.ChoiceField(choices=ShareLink.Permission.choices, initial=ShareLink.Permission.REVIEW)
    expires_in_days = forms.IntegerField(min_value=1, max_value=365, required=False, initial=14,
                                         label="Expires after (days)", help_text="Empty: never.")
    independent = forms.BooleanField(required=False, label="Own copy (to measure agreement)")
