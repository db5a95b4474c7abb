"""The player page, where a video's frames are labelled (L-1..L-5)."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from labelling.selectors import member_player_tracks, member_player_urls
from projects.models import Role
from projects.selectors import get_role
from videos.selectors import get_member_video


def video_detail(request: HttpRequest, video_id: int) -> HttpResponse:
    """The analysis page: frame-exact player, timeline and labelling (SPEC L-1..L-5)."""
    video = get_member_video(request.user, video_id)
    role = get_role(request.user, video.project)
    tracks = member_player_tracks(video)
    return render(request, "labelling/video_detail.html", {
        "video": video, "project": video.project, "tracks": tracks, "tracks_json": [t.as_json() for t in tracks],
        "urls": member_player_urls(video), "can_edit": role != Role.VIEWER,
    })
