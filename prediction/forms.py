from django import forms

from aigva.params import IdField, IdsField
from prediction.backbone_choices import available_backbones, project_backbone
from prediction.models import Model
from videos.models import VideoStatus


class PredictForm(forms.Form):
    model = IdField(queryset=Model.objects.none())
    more_models = IdsField(queryset=Model.objects.none(), required=False, label="And on other tracks",
                           help_text="A model of each further track to label in the same pass: each video is "
                                     "decoded once.")
    videos = IdsField(queryset=None, required=False, help_text="None selected: all videos.")
    frame_skip = forms.IntegerField(min_value=1, initial=1, help_text="Predict every k-th frame, fill the rest.")
    shots = forms.BooleanField(
        required=False, initial=True, label="Decode shots",
        help_text="A label changes only where the picture makes a change likelier than a few doubtful frames; "
                  "people's frames are fixed points. Off: each frame takes its own most probable class.")
    smooth = forms.IntegerField(min_value=1, initial=1, help_text="A label change must last this many frames.")
    every_frame = forms.BooleanField(
        required=False, label="Classify every frame",
        help_text="Off: the model looks once a second and at every cut, then halves the frames between two "
                  "that disagree until the change lands on its frame, so boundaries stay exact at a fraction of "
                  "the time.")
    overwrite_people = forms.BooleanField(
        required=False, label="Overwrite people's labels",
        help_text="Off: every frame a person labelled keeps its label, and reviewed videos are left alone.")

    def __init__(self, *args, project, model_id: int | None = None, **kwargs):
        """model_id: the model to preselect (e.g. the one just trained), if it is the project's."""
        super().__init__(*args, **kwargs)
        models = list(project.models.all())
        self.fields["model"].queryset = project.models.all()
        self.fields["model"].empty_label = None  # a model is needed: offer models only
        self.fields["model"].label_from_instance = lambda m: f"{m} — not recommended: {m.problems[0]}" if m.problems \
            else str(m)
        # The newest model with nothing against it is the one to predict with.
        self.fields["model"].initial = model_id if model_id in {m.pk for m in models} else next(
            (m.pk for m in models if not m.problems), None)
        self.fields["videos"].queryset = project.videos.filter(status=VideoStatus.READY)
        self.fields["more_models"].queryset = project.models.select_related("track")
        self.fields["more_models"].label_from_instance = lambda m: f"{m.track.name}: {m}"
        if project.tracks.count() < 2:
            self.fields["more_models"].widget = forms.MultipleHiddenInput()
        self.fields["frame_skip"].initial = project.default_frame_skip
        self.fields["smooth"].initial = project.default_smoothing
        self.fields["shots"].initial = project.decode_shots


class CustomModelForm(forms.Form):
    custom_name = forms.ChoiceField(choices=[], label="Custom model")

    def __init__(self, *args, names: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["custom_name"].choices = [(name, name) for name in names]


class BackboneForm(forms.Form):
    backbone = forms.ChoiceField(choices=[], label="Keep the features of")

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["backbone"].choices = list(available_backbones().items())
        self.fields["backbone"].initial = project_backbone(project)
