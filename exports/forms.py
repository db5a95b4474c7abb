from django import forms

from aigva.params import IdField, IdsField
from exports.selectors import ExportOptions
from projects.forms import choose_track


class ExportForm(forms.Form):
    track = IdField(queryset=None, required=False, empty_label=None, label="Class folders of",
                    help_text="The track whose classes name the ZIP's folders; metadata.jsonl has every track.")
    videos = IdsField(queryset=None, required=False, help_text="None chosen: every ready video.")
    reviewed_only = forms.BooleanField(required=False, label="Reviewed videos only")
    # Not required: the JSON downloads share this form and ignore them.
    frame_skip = forms.IntegerField(min_value=1, max_value=100_000, required=False,
                                    label="Every k-th frame")
    quality = forms.IntegerField(min_value=1, max_value=100, initial=90, required=False, label="JPEG quality")
    split = forms.FloatField(min_value=0, max_value=0.5, initial=0, required=False,
                             label="Validation split (share of videos)")

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["videos"].queryset = project.videos.filter(status="ready").order_by("name")
        choose_track(self.fields["track"], project)
        self.fields["frame_skip"].initial = project.default_frame_skip

    def options(self) -> ExportOptions:
        data = self.cleaned_data
        return ExportOptions(video_ids=tuple(v.pk for v in data["videos"]), reviewed_only=data["reviewed_only"],
                             frame_skip=data["frame_skip"] or self.fields["frame_skip"].initial,
                             quality=data["quality"] or self.fields["quality"].initial, split=data["split"] or 0.0,
                             track=data["track"].pk if data["track"] else None)
