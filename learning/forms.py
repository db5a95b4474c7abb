from django import forms

from aigva.params import IdField, IdsField
from learning.services import default_sample_method
from prediction.backbone_choices import available_backbones, project_backbone
from projects.forms import choose_track
from projects.models import Track


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


class TrainForm(forms.Form):
    track = IdField(queryset=Track.objects.none(), empty_label=None, required=False,
                    help_text="The question the model learns to answer: its classes are this track's.")
    every_track = forms.BooleanField(required=False, label="Every track in one network",
                                     help_text="A full fine-tune of all tracks instead of one: one backbone learns "
                                               "every track, a head each; a model per track.")
    kind = forms.ChoiceField(label="Learn from", initial="human", choices=[
        ("human", "Every frame a person labelled: answers, corrections, imports, reviewed videos"),
        ("cold", "Only the answered Cold Label and uncertain samples"),
        ("blitz", "Only the answered samples and the collected frames of reviewed videos")])
    epochs = forms.IntegerField(min_value=1, max_value=500, initial=10)
    val_split = forms.FloatField(min_value=0, max_value=0.5, initial=0.2, label="Validation split",
                                 help_text="Share of frames held out, whole videos where there are several.")
    patience = forms.IntegerField(min_value=1, max_value=100, initial=3,
                                  help_text="Stop after this many epochs without a better validation loss.")
    head_only = forms.BooleanField(
        required=False, label="Head only (seconds, backbone frozen)",
        help_text="Learns from the features kept when each video was uploaded, and predicts from them, decoding only "
                  "where a label changes inside a shot. Unticked, the whole network learns: its backbone is new, so "
                  "its first prediction of each video decodes every frame again.")
    propagate = forms.BooleanField(required=False, label="Propagate labels to neighbouring frames of the same shot")
    backbone = forms.ChoiceField(choices=[], help_text="The network that turns frames into features. Uploads keep "
                                                       "the features of the project's backbone (Models page); another "
                                                       "decodes the videos.")

    def __init__(self, *args, project, last_options: dict | None = None, **kwargs):
        """The choices of the last training are kept (what a person set once, they mean again); the track is
        asked only where there is a choice."""
        super().__init__(*args, **kwargs)
        choose_track(self.fields["track"], project)
        if project.tracks.count() < 2:
            del self.fields["every_track"]
        available = available_backbones()
        self.fields["backbone"].choices = list(available.items())
        self.fields["backbone"].initial = project_backbone(project)
        if (last_options or {}).get("tracks") and "every_track" in self.fields:
            self.initial.setdefault("every_track", True)
        for name, value in (last_options or {}).items():
            if name in self.fields and (name != "backbone" or value in available):
                self.initial.setdefault(name, value)
