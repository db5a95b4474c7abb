import re
from collections.abc import Iterable
from contextlib import contextmanager
from typing import NamedTuple

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction

from aigva.errors import UserFacingError
from projects.models import LabelClass, Membership, Preference, Project, Role, Track
from projects.signals import class_frames_counted, class_replaced, track_added

PALETTE = ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7", "#9c755f"]
# Digits first, then letters the player leaves free.
SHORTCUT_KEYS = "1234567890qwertyuzxcvbn"
MAX_CLASS_NAME = 60
FIRST_TRACK = "class"  # the name of a project's track when it is made with one list of classes
MAX_TRACKS = 8  # rows the player stacks; class keys run out long before more would be useful


def clean_class_name(name: str, what: str = "class") -> str:
    """Trim and collapse whitespace; refuse empty, over-long or control-character names (of a class or track)."""
    cleaned = " ".join(name.split())
    if not cleaned:
        raise UserFacingError(f"A {what} name cannot be empty.")
    if len(cleaned) > MAX_CLASS_NAME:
        raise UserFacingError(f"{what.capitalize()} names are at most {MAX_CLASS_NAME} characters.")
    if re.search(r"[\x00-\x1f\x7f]", cleaned):
        raise UserFacingError(f"{what.capitalize()} names cannot contain control characters.")
    return cleaned


def parse_class_names(text: str) -> list[str]:
    """Split 'a, b' or one name per line into unique trimmed names (case-insensitive)."""
    names = [clean_class_name(part) for part in re.split(r"[,\n]", text) if part.strip()]
    seen: set[str] = set()
    for name in names:
        if name.casefold() in seen:
            raise UserFacingError(f"The class “{name}” is listed twice (names ignore case).")
        seen.add(name.casefold())
    if not names:
        raise UserFacingError("A project needs at least one class.")
    return names


class TrackSpec(NamedTuple):
    """A track to make: its name, its classes in order and the one frames start with (the first unless named)."""

    name: str
    class_names: list[str]
    default_class_name: str | None = None


def parse_tracks(text: str) -> list[TrackSpec]:
    """'weather: sunny, rain' per line into tracks."""
    tracks = []
    for line in filter(str.strip, text.splitlines()):
        name, colon, classes = line.partition(":")
        if not colon:
            raise UserFacingError(f"Write a track as “name: class, class”, not “{line.strip()}”.")
        tracks.append(TrackSpec(clean_class_name(name, "track"), parse_class_names(classes)))
    return tracks


def _taken(name: str, names: Iterable[str]) -> bool:
    """Whether a name is one of `names` whatever its case, compared here: SQLite's LOWER() knows ASCII only."""
    return any(other.casefold() == name.casefold() for other in names)


@contextmanager
def _name_clash_refused(message: str):
    """Two requests at once can both pass the check; the database's constraint then refuses one, clearly."""
    try:
        with transaction.atomic():
            yield
    except IntegrityError as exc:
        raise UserFacingError(message) from exc


def _check_name_free(project: Project, name: str, exclude_pk: int | None = None) -> None:
    if _taken(name, project.classes.exclude(pk=exclude_pk).values_list("name", flat=True)):
        raise UserFacingError(f"The project already has a class called “{name}”.")


def _check_shortcut(project: Project, shortcut: str, exclude_pk: int | None = None) -> str:
    shortcut = shortcut.strip().lower()
    if len(shortcut) > 1 or (shortcut and not shortcut.isalnum()):
        raise UserFacingError("A shortcut is one letter or digit.")
    if shortcut and project.classes.filter(shortcut=shortcut).exclude(pk=exclude_pk).exists():
        raise UserFacingError(f"The shortcut “{shortcut}” is already taken in this project.")
    return shortcut


def _check_colour(colour: str) -> str:
    if not re.fullmatch(r"#[0-9a-fA-F]{6}", colour):
        raise UserFacingError("A colour is written #rrggbb.")
    return colour.lower()


def suggest_class_style(project: Project) -> tuple[str, str, int]:
    """A free colour, shortcut and the order for a new class."""
    used = set(project.classes.values_list("shortcut", flat=True))
    shortcut = next((key for key in SHORTCUT_KEYS if key not in used), "")
    count = project.classes.count()
    return PALETTE[count % len(PALETTE)], shortcut, count


def _check_project_name(name: str, exclude_pk: int | None = None) -> str:
    name = " ".join(name.split())
    if not name:
        raise UserFacingError("A project needs a name.")
    if _taken(name, Project.objects.exclude(pk=exclude_pk).values_list("name", flat=True).iterator()):
        raise UserFacingError(f"A project called “{name}” already exists.")
    return name


@transaction.atomic
def create_project(
    *, name: str, class_names: list[str] | None = None, created_by: AbstractBaseUser | None,
    description: str = "", default_class_name: str | None = None, tracks: list[TrackSpec] = (),
) -> Project:
    """Create a project with its tracks (P-4): `class_names` make one track named “class”, `tracks` follow it.
    `default_class_name` names, of any track, the class its frames start with. The creator becomes the manager."""
    name = _check_project_name(name)
    tracks = ([TrackSpec(FIRST_TRACK, class_names)] if class_names else []) + list(tracks)
    if not tracks:
        raise UserFacingError("A project needs at least one class.")
    with _name_clash_refused(f"A project called “{name}” already exists."):
        project = Project.objects.create(name=name, description=description.strip(), created_by=created_by)
    for track in tracks:
        add_track(project=project, name=track.name, class_names=track.class_names,
                  default_class_name=track.default_class_name)
    if default_class_name:
        default = next((c for c in project.classes.all() if c.name.casefold() == default_class_name.strip().casefold()),
                       None)
        if default is None:
            raise UserFacingError(f"The default class “{default_class_name}” is not one of the classes.")
        Track.objects.filter(pk=default.track_id).update(default_class=default)
    if created_by is not None:
        Membership.objects.create(project=project, user=created_by, role=Role.MANAGER)
    return project


@transaction.atomic
def add_track(*, project: Project, name: str, class_names: list[str], default_class_name: str | None = None) -> Track:
    """A further question every frame answers, with its classes; every frame of every video starts with its
    default class (the first unless named), and labels on the other tracks stay as they are."""
    name = clean_class_name(name, "track")
    Project.objects.select_for_update().filter(pk=project.pk).first()  # one track added at a time
    if _taken(name, project.tracks.values_list("name", flat=True)):
        raise UserFacingError(f"The project already has a track called “{name}”.")
    if project.tracks.count() >= MAX_TRACKS:
        raise UserFacingError(f"A project has at most {MAX_TRACKS} tracks.")
    if not class_names:
        raise UserFacingError(f"The track “{name}” needs at least one class.")
    with _name_clash_refused(f"The project already has a track called “{name}”."):
        track = Track.objects.create(project=project, name=name, order=project.tracks.count())
    made = [add_class(project=project, name=class_name, track=track) for class_name in class_names]
    wanted = (default_class_name or made[0].name).strip().casefold()
    track.default_class = next((c for c in made if c.name.casefold() == wanted), None)
    if track.default_class is None:
        raise UserFacingError(f"The default class “{default_class_name}” is not one of the track's classes.")
    track.save(update_fields=["default_class"])
    track_added.send(sender=Track, track=track)
    return track


def update_track(*, track: Track, name: str, default_class: LabelClass) -> Track:
    """Rename a track or pick the class new videos start with on it; labels stay as they are."""
    name = clean_class_name(name, "track")
    if _taken(name, track.project.tracks.exclude(pk=track.pk).values_list("name", flat=True)):
        raise UserFacingError(f"The project already has a track called “{name}”.")
    if default_class.track_id != track.pk:
        raise UserFacingError(f"The default class must be one of the track “{track.name}”.")
    track.name, track.default_class = name, default_class
    with _name_clash_refused(f"The project already has a track called “{name}”."):
        track.save(update_fields=["name", "default_class"])
    return track


def update_project(
    *, project: Project, name: str, description: str, default_class: LabelClass | None = None,
    default_frame_skip: int = 1, default_smoothing: int = 1, decode_shots: bool = True,
    prediction_batch_size: int | None = None, target_accuracy: float = 0.99,
) -> Project:
    """Rename or describe a project, pick its first track's default class (when given), its prediction defaults
    and the accuracy its review aims for."""
    if default_class is not None and default_class.track_id != project.first_track.pk:
        raise UserFacingError("The default class must belong to this project.")
    if not (1 <= default_frame_skip <= 10_000 and 1 <= default_smoothing <= 10_000
            and (prediction_batch_size is None or 1 <= prediction_batch_size <= 512)):
        raise UserFacingError("Frame skip and smoothing are 1-10000 frames, the batch size 1-512 (or empty).")
    if not 0.5 <= target_accuracy <= 0.9999:
        raise UserFacingError("The target accuracy is a share from 0.5 to 0.9999 (0.99 is 99 %).")
    project.name = _check_project_name(name, exclude_pk=project.pk)
    project.description = description.strip()
    if default_class is not None:
        Track.objects.filter(pk=default_class.track_id).update(default_class=default_class)
    project.default_frame_skip, project.default_smoothing = default_frame_skip, default_smoothing
    project.decode_shots = decode_shots
    project.prediction_batch_size, project.target_accuracy = prediction_batch_size, target_accuracy
    with _name_clash_refused(f"A project called “{project.name}” already exists."):
        project.save(update_fields=["name", "description", "default_frame_skip",
                                    "default_smoothing", "decode_shots", "prediction_batch_size", "target_accuracy"])
    return project


def set_theme(*, user: AbstractBaseUser, theme: str) -> Preference:
    if theme not in Preference.Theme.values:
        raise UserFacingError("Choose the light or the dark theme.")
    preference, _ = Preference.objects.update_or_create(user=user, defaults={"theme": theme})
    return preference


def add_class(
    *, project: Project, name: str, colour: str = "", shortcut: str | None = None, track: Track | None = None,
) -> LabelClass:
    """Append a class to a track (the first when none is named) with a free colour and shortcut unless given."""
    track = track or project.first_track
    name = clean_class_name(name)
    _check_name_free(project, name)
    free_colour, free_shortcut, order = suggest_class_style(project)
    shortcut = free_shortcut if shortcut is None else _check_shortcut(project, shortcut)
    with _name_clash_refused(f"The project already has a class called “{name}”."):
        return LabelClass.objects.create(
            project=project, track=track, name=name, colour=_check_colour(colour or free_colour), shortcut=shortcut,
            order=order,
        )


def update_class(*, label_class: LabelClass, name: str, colour: str, shortcut: str) -> LabelClass:
    """Rename or restyle a class; labels point at the class, so they follow a rename."""
    name = clean_class_name(name)
    _check_name_free(label_class.project, name, exclude_pk=label_class.pk)
    label_class.shortcut = _check_shortcut(label_class.project, shortcut, exclude_pk=label_class.pk)
    label_class.name, label_class.colour = name, _check_colour(colour)
    with _name_clash_refused(f"The project already has a class called “{name}”."):
        label_class.save(update_fields=["name", "colour", "shortcut"])
    return label_class


@transaction.atomic
def delete_class(*, label_class: LabelClass, map_to: LabelClass | None) -> None:
    """Delete a class; frames that carry it are relabelled `map_to`, which is required then."""
    project = Project.objects.select_for_update().get(pk=label_class.project_id)
    track = label_class.track
    remaining = track.classes.exclude(pk=label_class.pk)
    if not remaining.exists():
        raise UserFacingError("A track needs at least one class." if project.tracks.count() > 1
                              else "A project needs at least one class.")
    if map_to is not None and (map_to.track_id != track.pk or map_to.pk == label_class.pk):
        raise UserFacingError("Map the labels to another class of this track.")
    in_use = sum(count for _, count in class_frames_counted.send(sender=LabelClass, project=project,
                                                                   label_class=label_class))
    if in_use and map_to is None:
        raise UserFacingError(f"{in_use} frames are labelled “{label_class.name}”: choose a class for them.")
    if track.default_class_id == label_class.pk:
        track.default_class = map_to or remaining.first()
        track.save(update_fields=["default_class"])
    # Even an unused class may sit in undo history: point that at the successor too.
    class_replaced.send(sender=LabelClass, project=project, old=label_class, new=map_to or track.default_class)
    label_class.delete()


def set_membership(*, project: Project, user: AbstractBaseUser, role: Role) -> Membership:
    """Add a member or change their role."""
    membership, _ = Membership.objects.update_or_create(project=project, user=user, defaults={"role": role})
    return membership


def remove_membership(*, membership: Membership) -> None:
    """Remove a member; the last manager stays so the project keeps an owner."""
    managers = membership.project.memberships.filter(role=Role.MANAGER)
    if membership.role == Role.MANAGER and managers.count() == 1:
        raise UserFacingError("A project keeps at least one manager.")
    membership.delete()
