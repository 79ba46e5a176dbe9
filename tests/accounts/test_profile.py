"""Readers edit their profile; an avatar is validated, cropped square and re-encoded."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from accounts.models import User
from tests.accounts.factories import make_user
from tests.blog.factories import image_bytes, image_upload, make_post, png_declaring_size

pytestmark = pytest.mark.django_db


@pytest.fixture
def reader(client):
    user = make_user(email="camille@example.org", display_name="Camille")
    client.force_login(user)
    return user


def post_profile(client, **fields):
    data = {"display_name": "Camille", "bio": "", "website": ""}
    data.update(fields)
    return client.post("/accounts/profile/", data)


def test_the_profile_requires_logging_in(client):
    response = client.get("/accounts/profile/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/accounts/profile/"


def test_a_reader_edits_their_name_bio_and_website(client, reader):
    response = post_profile(
        client, display_name="Camille R.", bio="Reads about brands.", website="https://camille.example.org/"
    )

    assert response["Location"] == "/accounts/profile/"
    reader.refresh_from_db()
    assert (reader.display_name, reader.bio, reader.website) == (
        "Camille R.",
        "Reads about brands.",
        "https://camille.example.org/",
    )


def test_bad_input_keeps_what_was_typed_and_says_why(client, reader):
    response = post_profile(client, display_name="", bio="Still here.", website="not a web address")

    assert response.status_code == 200
    assert "This field is required." in response.text
    assert "Enter a valid URL." in response.text
    assert "Still here." in response.text
    assert 'value="not a web address"' in response.text
    reader.refresh_from_db()
    assert reader.display_name == "Camille"


def test_without_an_avatar_the_default_silhouette_is_shown(client, reader):
    assert reader.avatar_url == "/static/img/avatar-default.svg"
    assert 'src="/static/img/avatar-default.svg"' in client.get("/accounts/profile/").text


def test_an_avatar_is_stored_as_a_256_pixel_square(client, reader):
    response = post_profile(client, avatar=image_upload("holiday photo.jpg", size=(800, 500)))

    assert response.status_code == 302
    reader.refresh_from_db()
    assert reader.avatar.name.startswith("avatars/avatar")
    with Image.open(reader.avatar.path) as stored:
        assert stored.size == (256, 256)
        assert stored.format == "JPEG"
    assert reader.avatar_url == reader.avatar.url


def test_a_transparent_avatar_stays_a_png(client, reader):
    post_profile(client, avatar=image_upload("logo.png", size=(300, 300), mode="RGBA"))

    reader.refresh_from_db()
    with Image.open(reader.avatar.path) as stored:
        assert (stored.format, stored.size) == ("PNG", (256, 256))


def test_a_new_avatar_replaces_the_old_file(client, reader, django_capture_on_commit_callbacks):
    post_profile(client, avatar=image_upload("first.png"))
    reader.refresh_from_db()
    first = reader.avatar.path

    with django_capture_on_commit_callbacks(execute=True):
        post_profile(client, avatar=image_upload("second.png"))

    reader.refresh_from_db()
    assert reader.avatar.path != first
    assert not User._meta.get_field("avatar").storage.exists(first)


def test_a_reader_can_clear_their_avatar(client, reader):
    post_profile(client, avatar=image_upload("first.png"))

    post_profile(client, **{"avatar-clear": "on"})

    reader.refresh_from_db()
    assert not reader.avatar
    assert reader.avatar_url == "/static/img/avatar-default.svg"


def _huge_upload(settings):
    settings.IMAGE_MAX_UPLOAD_BYTES = 20_000
    return SimpleUploadedFile("huge.png", image_bytes(size=(200, 200), noise=True))


@pytest.mark.parametrize(
    ("make_upload", "message"),
    [
        (lambda settings: SimpleUploadedFile("notes.png", b"just some text, not a picture"), "not a picture we can"),
        (_huge_upload, "the limit is"),
        (lambda settings: SimpleUploadedFile("bomb.png", png_declaring_size(30_000, 30_000)), "too many pixels"),
        (
            lambda settings: SimpleUploadedFile("drawing.svg", b'<svg xmlns="http://www.w3.org/2000/svg"></svg>'),
            "this one is SVG",
        ),
    ],
    ids=["not-an-image", "too-large", "decompression-bomb", "svg"],
)
def test_a_bad_avatar_gets_a_clear_form_error_and_changes_nothing(client, reader, settings, make_upload, message):
    response = post_profile(client, display_name="Camille R.", avatar=make_upload(settings))

    assert response.status_code == 200
    assert message in response.text
    assert 'value="Camille R."' in response.text
    reader.refresh_from_db()
    assert not reader.avatar
    assert reader.display_name == "Camille"


def test_the_header_keeps_the_stored_name_while_the_form_is_refused(client, reader):
    response = post_profile(client, display_name="Camille R.", website="not a web address")

    assert "<span>Camille</span>" in response.text


def test_the_profile_refuses_a_name_imitating_a_badge_wearer_but_keeps_ones_own(client, reader):
    make_post(author=make_user(display_name="Claire Martel", is_staff=True))

    refused = post_profile(client, display_name="Claire MarteI")
    kept = post_profile(client, display_name="Camille")

    assert "too close to “Claire Martel”" in refused.text
    assert kept.status_code == 302
