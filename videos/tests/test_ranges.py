import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from projects.models import Role
from projects.tests.factories import add_member, make_project
from videos.ranges import RangeNotSatisfiable, parse_range
from videos.tests.factories import ingest


@pytest.mark.parametrize(
    ("header", "expected"),
    [("bytes=0-99", (0, 99)), ("bytes=100-", (100, 999)), ("bytes=-10", (990, 999)), ("bytes=900-5000", (900, 999)),
     ("bytes=-5000", (0, 999)), (None, None), ("garbage", None), ("bytes=50-10", None), ("bytes=0-1,5-9", None),
     ("items=0-9", None), ("bytes=-", None)],
)
def test_parse_range(header, expected):
    assert parse_range(header, 1000) == expected


@pytest.mark.parametrize("header", ["bytes=1000-", "bytes=5000-6000", "bytes=-0"])
def test_ranges_past_the_end_are_unsatisfiable(header):
    with pytest.raises(RangeNotSatisfiable):
        parse_range(header, 1000)


@given(header=st.text(max_size=40), size=st.integers(min_value=1, max_value=10**12))
def test_any_header_gives_a_range_inside_the_file_or_none(header, size):
    try:
        result = parse_range(header, size)
    except RangeNotSatisfiable:
        return
    if result is not None:
        first, last = result
        assert 0 <= first <= last < size


@pytest.fixture
def served(db, client, video_files):
    project = make_project()
    video = ingest(project, video_files["cfr.mp4"])
    client.force_login(add_member(project, Role.VIEWER))
    return video, video_files["cfr.mp4"].read_bytes(), reverse("videos:video-media", args=[video.pk])


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_media_supports_a_single_range(client, served):
    video, content, url = served
    response = client.get(url, HTTP_RANGE="bytes=100-199")
    assert response.status_code == 206
    assert body(response) == content[100:200]
    assert response["Content-Range"] == f"bytes 100-199/{len(content)}"
    assert response["Accept-Ranges"] == "bytes" and response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "video/mp4"


@pytest.mark.parametrize("header", ["garbage", "bytes=200-100", "bytes=0-10,20-30", ""])
def test_bad_ranges_get_the_whole_file(client, served, header):
    _, content, url = served
    response = client.get(url, HTTP_RANGE=header)
    assert response.status_code == 200
    assert body(response) == content


def test_a_range_past_the_end_is_416(client, served):
    _, content, url = served
    response = client.get(url, HTTP_RANGE=f"bytes={len(content) + 10}-")
    assert response.status_code == 416
    assert response["Content-Range"] == f"bytes */{len(content)}"


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(header=st.one_of(st.text(max_size=30), st.from_regex(r"bytes=\d{0,8}-\d{0,8}(,\d{0,3}-\d{0,3})?")))
def test_no_range_header_gives_a_server_error(client, served, header):
    _, content, url = served
    response = client.get(url, HTTP_RANGE=header.replace("\n", "").replace("\r", ""))
    assert response.status_code in (200, 206, 416)
