import itertools
import os
import struct
import zlib
from datetime import timedelta
from io import BytesIO

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from blog.models import Post
from tests.accounts.factories import make_author

_numbers = itertools.count(1)


def make_post(**fields):
    number = next(_numbers)
    fields.setdefault("title", f"Post {number}")
    fields.setdefault("slug", f"post-{number}")
    fields.setdefault("lead", "A lead.")
    fields.setdefault("body", "<p>A body.</p>")
    fields.setdefault("status", Post.Status.PUBLISHED)
    fields.setdefault("published_at", timezone.now() - timedelta(days=1))
    if "author" not in fields:
        fields["author"] = make_author()
    return Post.objects.create(**fields)


def image_bytes(size=(64, 48), fmt="PNG", mode="RGB", noise=False, **save_options):
    """Encode a picture drawn by Pillow; noise makes it hard to compress."""
    if noise:
        image = Image.frombytes(mode, size, os.urandom(size[0] * size[1] * len(mode)))
    else:
        image = Image.new(mode, size, "#3a7" if mode != "1" else 1)
    buffer = BytesIO()
    image.save(buffer, fmt, **save_options)
    return buffer.getvalue()


def image_upload(name="cover.png", content=None, **image_options):
    if content is None:
        image_options.setdefault("fmt", "JPEG" if name.lower().endswith((".jpg", ".jpeg")) else "PNG")
        content = image_bytes(**image_options)
    return SimpleUploadedFile(name, content)


def png_declaring_size(width, height):
    """A tiny PNG whose header claims width × height pixels: a decompression bomb."""
    data = bytearray(image_bytes(size=(1, 1), fmt="PNG"))
    # Bytes 16-24 hold the IHDR width and height, followed by the chunk's CRC.
    data[16:24] = struct.pack(">II", width, height)
    data[29:33] = struct.pack(">I", zlib.crc32(bytes(data[12:29])))
    return bytes(data)
