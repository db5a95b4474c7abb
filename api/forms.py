from django import forms


class TokenForm(forms.Form):
    name = forms.CharField(max_length=60, label="Name", help_text="e.g. the machine or script that will use it")
    expires_in_days = forms.IntegerField(min_value=1, max_value=3650, required=False, initial=90,
                                         label="Expires after (days)", help_text="Empty: never.")
