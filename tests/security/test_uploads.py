"""Covers, avatars and logos: hostile files are refused with a message; accepted ones keep no metadata.

The GPS position a phone writes into a photo's EXIF must never reach a
stored file, whatever the upload door (post cover, reader avatar,
organisation logo); nor may bytes of another format hidden after or
inside a picture.
"""

import io
import struct
import zlib
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import ExifTags, Image, PngImagePlugin

from accounts.admin import OrganizationForm
from accounts.models import Organization
from blog.models import Post
from core.images import reencode, validate_image
from tests.accounts.factories import make_user
from tests.blog.factories import image_bytes

pytestmark = pytest.mark.django_db

GPS = {1: "N", 2: (48.0, 51.0, 24.0), 3: "E", 4: (2.0, 21.0, 3.0)}
XMP = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:Description exif:GPSLatitude="48,51.4N"/></x:xmpmeta>'
SCRIPT = b"<script>alert(1)</script>"


def photo_with_gps(size=(800, 600), fmt="JPEG"):
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "PhoneCo"
    exif[ExifTags.IFD.GPSInfo] = GPS
    image = Image.new("RGB", size, "#3a7")
    buffer = io.BytesIO()
    image.save(buffer, fmt, exif=exif.tobytes(), **({"xmp": XMP} if fmt == "JPEG" else {}))
    data = buffer.getvalue()
    with Image.open(io.BytesIO(data)) as check:
        assert check.getexif().get_ifd(ExifTags.IFD.GPSInfo)  # The upload really carries a position.
    return data


def assert_no_metadata(path_or_bytes):
    data = path_or_bytes if isinstance(path_or_bytes, bytes) else Path(path_or_bytes).read_bytes()
    with Image.open(io.BytesIO(data)) as stored:
        assert not stored.getexif()
        assert not stored.getexif().get_ifd(ExifTags.IFD.GPSInfo)
        assert not {"exif", "xmp", "comment", "XML:com.adobe.xmp"} & set(stored.info)
    assert b"PhoneCo" not in data and b"GPSLatitude" not in data and b"xmpmeta" not in data


def errors_for(content, name="upload.png"):
    try:
        validate_image(SimpleUploadedFile(name, content))
    except ValidationError as error:
        return error.code, " ".join(error.messages)
    return None


def test_a_cover_keeps_no_gps_position(admin_client):
    from tests.core.test_images import admin_post_data

    author = make_user(is_staff=True)
    upload = SimpleUploadedFile("phone.jpg", photo_with_gps())
    response = admin_client.post("/admin/blog/post/add/", {**admin_post_data(author.pk), "cover": upload})
    assert response.status_code == 302
    post = Post.objects.get()
    assert_no_metadata(post.cover.path)
    assert_no_metadata(post.cover_thumbnail.path)


def test_an_avatar_keeps_no_gps_position(client):
    user = make_user()
    client.force_login(user)
    upload = SimpleUploadedFile("me.jpg", photo_with_gps())
    response = client.post(reverse("accounts:profile"), {"display_name": "Me", "avatar": upload})
    assert response.status_code == 302
    user.refresh_from_db()
    assert_no_metadata(user.avatar.path)


def test_a_logo_keeps_no_gps_position():
    form = OrganizationForm(
        {"name": "Verdane", "slug": "verdane"}, {"logo": SimpleUploadedFile("logo.jpg", photo_with_gps())}
    )
    assert form.is_valid(), form.errors
    logo = reencode(form.cleaned_data["logo"], max_size=(256, 256), crop_square=True)
    assert_no_metadata(logo.read())


def test_a_png_with_text_chunks_and_exif_is_stored_without_them():
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "home address")
    info.add_itxt("XML:com.adobe.xmp", XMP.decode())
    buffer = io.BytesIO()
    exif = Image.Exif()
    exif[ExifTags.IFD.GPSInfo] = GPS
    Image.new("RGBA", (40, 40), (10, 20, 30, 128)).save(buffer, "PNG", pnginfo=info, exif=exif.tobytes())
    stored = reencode(SimpleUploadedFile("a.png", buffer.getvalue()), max_size=(100, 100)).read()
    assert b"home address" not in stored
    assert_no_metadata(stored)


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "GIF"])
def test_bytes_hidden_after_a_picture_are_not_stored(fmt):
    """A polyglot: a valid picture followed by an HTML page or a ZIP archive."""
    content = image_bytes(fmt=fmt) + b"<html><body>" + SCRIPT + b"</body></html>PK\x03\x04zipdata"
    assert errors_for(content) is None  # It is a picture…
    stored = reencode(SimpleUploadedFile("poly.html", content), max_size=(100, 100))
    data = stored.read()
    assert SCRIPT not in data and b"PK\x03\x04" not in data  # …stored as one, and nothing else.
    assert stored.name.endswith((".jpg", ".png"))


def test_a_script_inside_a_png_chunk_is_not_stored():
    data = bytearray(image_bytes(fmt="PNG"))
    chunk = b"tEXt" + b"Comment\x00" + SCRIPT
    hidden = struct.pack(">I", len(chunk) - 4) + chunk + struct.pack(">I", zlib.crc32(chunk))
    data[33:33] = hidden  # After IHDR.
    assert errors_for(bytes(data)) is None
    assert SCRIPT not in reencode(SimpleUploadedFile("x.png", bytes(data)), max_size=(64, 64)).read()


HOSTILE = {
    "svg with a script": (
        b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(1)</script></svg>',
        "image_format",
    ),
    "svg with an xml declaration": (
        b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"/>',
        "image_format",
    ),
    "svg with leading blanks": (b"  \n<svg onload=alert(1)>", "image_format"),
    "html named .png": (b"<!doctype html><html>" + SCRIPT + b"</html>", "invalid_image"),
    "javascript named .png": (b"alert(document.cookie)//", "invalid_image"),
    "gif header then script": (b"GIF89a/*" + b"\x00" * 10 + b"*/=alert(1);", "invalid_image"),
    "pdf": (b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF", "invalid_image"),
    "zip": (b"PK\x03\x04" + b"\x00" * 40, "invalid_image"),
    "empty": (b"", "invalid_image"),
    "truncated jpeg": (image_bytes(fmt="JPEG", size=(300, 300), noise=True)[:400], "invalid_image"),
    "truncated png": (image_bytes(fmt="PNG", size=(300, 300), noise=True)[:300], "invalid_image"),
    "bmp": (image_bytes(fmt="BMP"), "image_format"),
    "tiff": (image_bytes(fmt="TIFF"), "image_format"),
    "ico": (image_bytes(fmt="ICO", size=(32, 32)), "image_format"),
}


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_files_are_refused_with_a_clear_message(name):
    content, code = HOSTILE[name]
    refused = errors_for(content)
    assert refused is not None, name
    assert refused[0] == code
    assert len(refused[1]) > 20


def test_huge_dimensions_within_few_bytes_are_refused(settings):
    settings.IMAGE_MAX_PIXELS = 4_000_000
    wide = image_bytes(fmt="PNG", size=(20_000, 300))  # 6 megapixels of one colour: a few kilobytes.
    assert len(wide) < 100_000
    code, message = errors_for(wide)
    assert code == "image_too_big"
    assert "20000" in message.replace("\u202f", "").replace(" ", "") or "20 000" in message


def test_a_gif_with_many_frames_is_stored_as_its_first_picture():
    frames = [Image.new("P", (50, 50), index) for index in range(60)]
    buffer = io.BytesIO()
    frames[0].save(buffer, "GIF", save_all=True, append_images=frames[1:])
    stored = reencode(SimpleUploadedFile("anim.gif", buffer.getvalue()), max_size=(50, 50))
    with Image.open(stored) as image:
        assert getattr(image, "n_frames", 1) == 1


def test_a_refused_avatar_changes_nothing_and_says_why(client):
    user = make_user()
    client.force_login(user)
    svg = SimpleUploadedFile("me.svg", HOSTILE["svg with a script"][0], content_type="image/svg+xml")
    response = client.post(reverse("accounts:profile"), {"display_name": "Me", "avatar": svg})
    assert response.status_code == 200
    assert "SVG" in response.content.decode()
    user.refresh_from_db()
    assert not user.avatar


def test_a_refused_logo_is_a_form_error():
    form = OrganizationForm({"name": "V", "slug": "v"}, {"logo": SimpleUploadedFile("l.png", b"<svg/>")})
    assert not form.is_valid()
    assert "logo" in form.errors
    assert not Organization.objects.exists()
