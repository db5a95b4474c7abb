from django import forms
from django.contrib.auth import get_user_model

from aigva.errors import UserFacingError
from aigva.params import IdField
from projects.models import LabelClass, Preference, Project, Role, Track
from projects.services import parse_class_names


def choose_track(field: forms.Field, project: Project) -> None:
    """A form's track choice offers the project's tracks, and is asked only where there is a choice (with one
    track the field is hidden and empty: the first track, as callers naming none mean)."""
    field.queryset = project.tracks.all()
    if project.tracks.count() < 2:
        field.widget = forms.HiddenInput()


class ProjectCreateForm(forms.Form):
    name = forms.CharField(max_length=120)
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)
    classes = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One per line or separated by commas, e.g. “road, junction, parking”.",
    )
    default_class = forms.CharField(
        max_length=60, required=False, help_text="The class every frame of a new video starts with.",
        widget=forms.Select(attrs={"data-classes-from": "id_classes"}),
    )
    tracks = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2, "placeholder": "weather: sunny, rain, snow"}), required=False,
        label="More tracks", help_text="Optional: further questions every frame answers, one per line as "
        "“name: class, class”; frames start with a track's first class. Class names are unique across the project.",
    )

    def __init__(self, *args, **kwargs):
        """The select offers the classes typed above (project-form.js keeps it in step as they are typed)."""
        super().__init__(*args, **kwargs)
        try:
            names = parse_class_names(self.data.get("classes", "")) if self.is_bound else []
        except UserFacingError:  # the create view tells what is wrong with them
            names = []
        self.fields["default_class"].widget.choices = [("", "The first class")] + [(n, n) for n in names]


class ProjectEditForm(forms.ModelForm):
    default_class = IdField(queryset=LabelClass.objects.none(), empty_label=None,
                            help_text="The class every frame of a new video starts with.")
    field_order = ["name", "description", "default_class"]

    class Meta:
        model = Project
        fields = ["name", "description", "default_frame_skip", "default_smoothing",
                  "decode_shots", "prediction_batch_size", "target_accuracy"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2}),
                   "target_accuracy": forms.NumberInput(attrs={"step": "0.001", "min": "0.5", "max": "0.9999"})}
        labels = {"target_accuracy": "Target accuracy (a share: 0.99 is 99 %)"}

    def __init__(self, *args, **kwargs):
        """With several tracks, each track's default class is set in its row of Tracks instead."""
        super().__init__(*args, **kwargs)
        track = self.instance.first_track
        if self.instance.tracks.count() > 1:
            del self.fields["default_class"]
            return
        self.fields["default_class"].queryset = track.classes.all()
        self.fields["default_class"].initial = track.default_class_id


class TrackForm(forms.Form):
    name = forms.CharField(max_length=60)
    default_class = IdField(queryset=LabelClass.objects.none(), empty_label=None)

    def __init__(self, *args, track: Track, **kwargs):
        """Its inputs belong to the row's <form> (track-<pk>), so each can sit in its own table column."""
        form_id = f"track-{track.pk}"
        super().__init__(*args, auto_id=f"{form_id}-%s", initial={"name": track.name,
                                                                  "default_class": track.default_class_id}, **kwargs)
        self.fields["default_class"].queryset = track.classes.all()
        for field, what in (("name", "Name"), ("default_class", "Default class")):
            self.fields[field].widget.attrs |= {"form": form_id, "aria-label": f"{what} of {track.name}"}


class TrackAddForm(forms.Form):
    name = forms.CharField(max_length=60, widget=forms.TextInput(attrs={"placeholder": "e.g. weather",
                                                                         "aria-label": "Track name"}))
    classes = forms.CharField(max_length=6000, widget=forms.TextInput(attrs={"placeholder": "sunny, rain, snow",
                                                                          "aria-label": "Its classes"}))


class ClassForm(forms.Form):
    name = forms.CharField(max_length=60)
    colour = forms.CharField(max_length=7, widget=forms.TextInput(attrs={"type": "color"}), required=False)
    shortcut = forms.CharField(max_length=1, required=False)

    def __init__(self, *args, form_id: str | None = None, **kwargs):
        """form_id: the <form> the inputs belong to, so each can sit in its own table column."""
        super().__init__(*args, **({"auto_id": f"{form_id}-%s"} if form_id else {}) | kwargs)
        if form_id:
            name = self.initial.get("name", "")
            for field, what in (("name", "Name"), ("colour", "Colour"), ("shortcut", "Key")):
                self.fields[field].widget.attrs |= {"form": form_id, "aria-label": f"{what} of {name}"}


class ClassAddForm(ClassForm):
    track = IdField(queryset=Track.objects.none(), empty_label=None, required=False)

    def __init__(self, *args, project: Project, **kwargs):
        """The track select shows only where there is a choice (the first track otherwise)."""
        super().__init__(*args, **kwargs)
        choose_track(self.fields["track"], project)


class ClassDeleteForm(forms.Form):
    map_to = IdField(queryset=LabelClass.objects.none(), required=False, label="Relabel its frames as")

    def __init__(self, *args, label_class: LabelClass, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["map_to"].queryset = label_class.track.classes.exclude(pk=label_class.pk)


class MemberForm(forms.Form):
    username = forms.CharField(max_length=150)
    role = forms.ChoiceField(choices=Role.choices, initial=Role.LABELLER)

    def clean_username(self):
        user = get_user_model().objects.filter(username=self.cleaned_data["username"]).first()
        if user is None:
            raise forms.ValidationError("No user with that name. Create the account in the admin first.")
        return user


class PreferenceForm(forms.ModelForm):
    class Meta:
        model = Preference
        fields = ["theme"]
