from django import forms

from prediction.models import Model


class PredictForm(forms.Form):
    model = forms.ModelChoiceField(queryset=Model.objects.none())
    videos = forms.ModelMultipleChoiceField(queryset=None, required=False, help_text="None selected: all videos.")
    frame_skip = forms.IntegerField(min_value=1, initial=1, help_text="Predict every k-th frame, fill the rest.")
    smooth = forms.IntegerField(min_value=1, initial=1, help_text="A label change must last this many frames.")

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["model"].queryset = project.models.all()
        self.fields["videos"].queryset = project.videos.all()


class CustomModelForm(forms.Form):
    custom_name = forms.ChoiceField(choices=[], label="Custom model")

    def __init__(self, *args, names: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["custom_name"].choices = [(name, name) for name in names]
