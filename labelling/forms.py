from django import forms

from aigva.params import IdsField
from labelling.services import default_sample_method


class LabelRangeForm(forms.Form):
    start = forms.IntegerField(min_value=0)
    end = forms.IntegerField(min_value=0)
    class_id = forms.IntegerField()


class ReviewForm(forms.Form):
    reviewed = forms.BooleanField(required=False)
    confirmed = forms.BooleanField(required=False)  # yes, frames nobody labelled become a person's labels


class SampleForm(forms.Form):
    per_video = forms.IntegerField(min_value=1, max_value=1000, initial=10, label="Frames per video")
    method = forms.ChoiceField(choices=[
        ("representative", "Representative: the typical frame of each kind of picture (runs the model)"),
        ("unique", "Unique: a new frame when the picture changes"),
        ("uniform", "Uniform: evenly spread")])
    stride_seconds = forms.FloatField(min_value=0.01, max_value=3600, initial=1.0, label="Look every (seconds)")
    threshold = forms.IntegerField(min_value=0, max_value=64, initial=8, label="Change threshold (pHash bits)")
    videos = IdsField(queryset=None, required=False, help_text="None chosen: every video.")

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["videos"].queryset = project.videos.filter(status="ready")
        self.fields["method"].initial = default_sample_method()


class SampleLabelForm(forms.Form):
    class_id = forms.IntegerField(required=False)  # empty: skip the sample
