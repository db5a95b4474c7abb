from django import forms


class LabelRangeForm(forms.Form):
    start = forms.IntegerField(min_value=0)
    end = forms.IntegerField(min_value=0)
    class_id = forms.IntegerField()


class ReviewForm(forms.Form):
    reviewed = forms.BooleanField(required=False)
    confirmed = forms.BooleanField(required=False)  # yes, frames nobody labelled become a person's labels
