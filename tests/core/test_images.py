"""Cover images: refused with a clear message, or stored re-encoded with a thumbnail."""

import io
import warnings

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from blog.forms import PostAdminForm
from blog.models import Post
from core.images import validate_image
from tests.accounts.factories import make_author
from tests.blog.factories import image_bytes, image_upload, make_post, png_declaring_size

pytestmark = pytest.mark.django_db

CAMERA_MAKE = 0x010F
ORIENTATION = 0x0112
IMAGE_DESCRIPTION = 0x010E


def exif_bytes(**tags):
    exif = Image.Exif()
    exif[CAMERA_MAKE] = "Secret Camera"
    exif[IMAGE_DESCRIPTION] = "Taken at home, 12 rue des Lilas"
    for tag, value in tags.items():
        exif[{"orientation": ORIENTATION}[tag]] = value
    return exif.tobytes()


def form_data(author_pk, **fields):
    return {
        "title": "A post",
        "slug": "a-post",
        "author": author_pk,
        "lead": "A lead.",
        "body": "<p>A body.</p>",
        "cover_alt": "",
        "status": Post.Status.PUBLISHED,
        "published_at": "2024-03-15 12:00:00",
        "comments_enabled": "on",
        **fields,
    }


def cover_errors(upload):
    form = PostAdminForm(data=form_data(make_author().pk), files={"cover": upload})
    assert not form.is_valid()
    assert list(form.errors) == ["cover"]
    return [(error.code, str(error.message)) for error in form.errors.as_data()["cover"]]


# Refused uploads: one clear message each, on the cover field


def test_a_text_file_is_not_a_picture():
    [(code, message)] = cover_errors(SimpleUploadedFile("notes.png", b"Just some words, not a picture."))
    assert code == "invalid_image"
    assert message == "This file is not a picture we can read, or it is damaged."


def test_a_truncated_picture_is_refused():
    content = image_bytes(size=(300, 200), fmt="PNG", noise=True)
    [(code, _)] = cover_errors(SimpleUploadedFile("cut.png", content[: len(content) // 2]))
    assert code == "invalid_image"


def test_an_svg_is_named_as_such():
    svg = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    [(code, message)] = cover_errors(SimpleUploadedFile("logo.png", svg))
    assert code == "image_format"
    assert "SVG" in message


def test_a_format_outside_the_list_is_refused():
    [(code, message)] = cover_errors(image_upload("scan.png", content=image_bytes(fmt="TIFF")))
    assert code == "image_format"
    assert "TIFF" in message


def test_a_file_over_the_byte_limit_is_refused(settings):
    settings.IMAGE_MAX_UPLOAD_BYTES = 20_000
    upload = image_upload("noise.png", size=(200, 200), noise=True)
    assert upload.size > 20_000
    [(code, message)] = cover_errors(upload)
    assert code == "file_too_large"
    assert "MB" in message


def test_a_picture_over_the_pixel_limit_is_refused(settings):
    settings.IMAGE_MAX_PIXELS = 2_000_000
    [(code, message)] = cover_errors(image_upload("wide.png", size=(2000, 1100)))
    assert code == "image_too_big"
    assert "2000 × 1100 pixels" in message
    assert "the limit is 2 megapixels" in message


@pytest.mark.parametrize(
    ("width", "height"),
    [
        pytest.param(8_000, 8_000, id="over-our-limit"),
        pytest.param(10_000, 10_000, id="over-pillow-warning"),
        pytest.param(30_000, 30_000, id="over-pillow-error"),
    ],
)
@pytest.mark.parametrize("warnings_are_errors", [True, False], ids=["strict", "production"])
def test_an_image_bomb_is_refused_before_decoding(width, height, warnings_are_errors):
    bomb = png_declaring_size(width, height)
    assert len(bomb) < 200  # a tiny file...
    upload = SimpleUploadedFile("bomb.png", bomb)
    with warnings.catch_warnings():
        warnings.simplefilter("error" if warnings_are_errors else "ignore")
        [(code, message)] = cover_errors(upload)
    assert code == "image_too_big"
    assert "too many pixels" in message or f"{width} × {height}" in message


def test_a_valid_picture_passes():
    form = PostAdminForm(data=form_data(make_author().pk), files={"cover": image_upload("fine.jpg", size=(640, 480))})
    assert form.is_valid(), form.errors


def test_a_phone_photo_in_multi_picture_jpeg_is_accepted_and_stored_as_jpeg():
    # Many phones save photos as MPO: a JPEG holding a second picture. Pillow names the format MPO.
    buffer = io.BytesIO()
    Image.new("RGB", (640, 480), "red").save(
        buffer, "MPO", save_all=True, append_images=[Image.new("RGB", (640, 480), "blue")]
    )
    upload = SimpleUploadedFile("phone.jpg", buffer.getvalue())
    form = PostAdminForm(data=form_data(make_author().pk), files={"cover": upload})
    assert form.is_valid(), form.errors
    post = make_post()
    post.set_cover(upload)
    post.save()
    with Image.open(post.cover.path) as cover:
        assert cover.format == "JPEG"
        assert cover.size == (640, 480)


def test_validate_image_leaves_the_file_at_its_start():
    upload = image_upload("fine.png")
    validate_image(upload)
    assert upload.tell() == 0


# Through the admin: errors on the page, never a server error


@pytest.fixture
def admin_client(client):
    client.force_login(make_author(is_superuser=True))
    return client


def admin_post_data(author_pk, **fields):
    """The admin splits the publication date into two inputs."""
    data = form_data(author_pk, **fields)
    del data["published_at"]
    return {**data, "published_at_0": "2024-03-15", "published_at_1": "12:00:00"}


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        pytest.param(
            lambda: SimpleUploadedFile("notes.png", b"not a picture"),
            "This file is not a picture we can read, or it is damaged.",
            id="not-an-image",
        ),
        pytest.param(
            lambda: SimpleUploadedFile("bomb.png", png_declaring_size(30_000, 30_000)),
            "This picture has too many pixels; the limit is 40 megapixels.",
            id="bomb",
        ),
        pytest.param(
            lambda: image_upload("noise.png", size=(1500, 1500), noise=True),
            "the limit is 1.0 MB",
            id="too-large",
        ),
    ],
)
def test_admin_shows_a_refused_cover_as_a_form_error(admin_client, settings, upload, message):
    settings.IMAGE_MAX_UPLOAD_BYTES = 1_048_576
    author = make_author()
    response = admin_client.post("/admin/blog/post/add/", {**admin_post_data(author.pk), "cover": upload()})
    assert response.status_code == 200
    assert message in response.text
    assert 'class="errorlist' in response.text
    assert not Post.objects.exists()


def test_admin_stores_a_valid_cover_resized_with_its_thumbnail_and_without_exif(admin_client):
    author = make_author()
    upload = image_upload("holiday.jpg", size=(3000, 2000), exif=exif_bytes(), comment=b"private note")
    with Image.open(io.BytesIO(upload.read())) as original:
        assert original.getexif()[CAMERA_MAKE] == "Secret Camera"
    upload.seek(0)

    response = admin_client.post("/admin/blog/post/add/", {**admin_post_data(author.pk), "cover": upload})

    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    post = Post.objects.get()
    with Image.open(post.cover.path) as cover:
        assert cover.size == (1350, 900)
        assert not cover.getexif()
        assert "exif" not in cover.info
        assert "comment" not in cover.info
    with Image.open(post.cover_thumbnail.path) as thumbnail:
        assert thumbnail.size == (405, 270)
        assert not thumbnail.getexif()
    assert post.cover_thumbnail.name != post.cover.name
    assert "thumb-" in post.cover_thumbnail.name


def test_cover_is_turned_upright_from_its_exif_orientation():
    post = make_post()
    # Orientation 6: the camera was turned; the picture must be rotated to stand upright.
    post.set_cover(image_upload("turned.jpg", size=(300, 200), exif=exif_bytes(orientation=6)))
    post.save()
    with Image.open(post.cover.path) as cover:
        assert cover.size == (200, 300)
        assert not cover.getexif()


def test_a_transparent_png_keeps_its_transparency_without_metadata():
    post = make_post()
    post.set_cover(image_upload("logo.png", size=(400, 300), mode="RGBA", exif=exif_bytes()))
    post.save()
    with Image.open(post.cover.path) as cover:
        assert cover.format == "PNG"
        assert cover.mode == "RGBA"
        assert not cover.getexif()


def test_a_small_cover_is_not_enlarged():
    post = make_post()
    post.set_cover(image_upload("small.jpg", size=(320, 200)))
    post.save()
    with Image.open(post.cover.path) as cover:
        assert cover.size == (320, 200)


def test_admin_clearing_the_cover_clears_its_thumbnail(admin_client):
    post = make_post(slug="a-post")
    post.set_cover(image_upload(size=(800, 600)))
    post.save()
    data = {**admin_post_data(post.author.pk), "cover-clear": "on"}

    response = admin_client.post(f"/admin/blog/post/{post.pk}/change/", data)

    assert response.status_code == 302
    post.refresh_from_db()
    assert not post.cover
    assert not post.cover_thumbnail


def test_admin_editing_without_a_new_cover_keeps_it(admin_client):
    post = make_post(slug="a-post")
    post.set_cover(image_upload(size=(800, 600)))
    post.save()
    cover, thumbnail = post.cover.name, post.cover_thumbnail.name

    response = admin_client.post(f"/admin/blog/post/{post.pk}/change/", admin_post_data(post.author.pk, title="New"))

    assert response.status_code == 302
    post.refresh_from_db()
    assert (post.title, post.cover.name, post.cover_thumbnail.name) == ("New", cover, thumbnail)
