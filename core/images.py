"""Uploaded images: refuse what is not a safe picture, re-encode the rest.

Covers here, avatars and logos in accounts: all go through these functions.
An accepted image is decoded and written again, so no metadata (EXIF GPS
positions, comments) and no trailing bytes of another format survive.
"""

import io
from pathlib import Path

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

# MPO is a JPEG with a second picture inside, as many phones save photos;
# its first picture is kept, like any JPEG's.
ALLOWED_FORMATS = {"JPEG", "MPO", "PNG", "WEBP", "GIF"}


def _too_many_pixels(width=None, height=None):
    limit = settings.IMAGE_MAX_PIXELS // 1_000_000
    if width is None:
        # Pillow refused to open it: its header declares far more pixels than we accept.
        return ValidationError(
            _("This picture has too many pixels; the limit is %(limit)s megapixels.") % {"limit": limit},
            code="image_too_big",
        )
    return ValidationError(
        _("This picture is %(width)s × %(height)s pixels; the limit is %(limit)s megapixels.")
        % {"width": width, "height": height, "limit": limit},
        code="image_too_big",
    )


def _looks_like_svg(upload):
    upload.seek(0)
    head = upload.read(1024).lstrip().lower()
    return head.startswith(b"<svg") or (head.startswith(b"<?xml") and b"<svg" in head)


def validate_image(upload):
    """Raise a ValidationError unless the upload is a picture we can safely decode."""
    if upload.size > settings.IMAGE_MAX_UPLOAD_BYTES:
        raise ValidationError(
            _("This file is %(size)s MB; the limit is %(limit)s MB.")
            % {
                "size": round(upload.size / 1_048_576, 1),
                "limit": round(settings.IMAGE_MAX_UPLOAD_BYTES / 1_048_576, 1),
            },
            code="file_too_large",
        )
    upload.seek(0)
    try:
        with Image.open(upload) as image:
            if image.format not in ALLOWED_FORMATS:
                raise ValidationError(
                    _("Upload a JPEG, PNG, WebP or GIF picture (this one is %(format)s).") % {"format": image.format},
                    code="image_format",
                )
            width, height = image.size
            if width * height > settings.IMAGE_MAX_PIXELS:
                raise _too_many_pixels(width, height)
            image.load()  # Decode it all: a truncated file fails here, not later.
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        # Pillow refuses a header declaring a huge size before decoding (the
        # warning only counts where warnings are errors; else our limit above,
        # lower than Pillow's, refuses it).
        raise _too_many_pixels() from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        if _looks_like_svg(upload):
            raise ValidationError(
                _("Upload a JPEG, PNG, WebP or GIF picture (this one is %(format)s).") % {"format": "SVG"},
                code="image_format",
            ) from None
        raise ValidationError(
            _("This file is not a picture we can read, or it is damaged."), code="invalid_image"
        ) from None
    finally:
        upload.seek(0)


class ImageUploadField(forms.ImageField):
    """A form field for pictures, checked by validate_image alone.

    Django's own ImageField runs Pillow's verify() first: it would answer a
    too large file, a decompression bomb or an SVG with its generic "not an
    image" error before validate_image could say what is wrong.
    """

    def to_python(self, data):
        upload = forms.FileField.to_python(self, data)
        if upload is not None:
            validate_image(upload)
        return upload


def reencode(upload, *, max_size, crop_square=False) -> ContentFile:
    """Return the upload decoded, upright, shrunk to fit max_size and re-encoded."""
    upload.seek(0)
    with Image.open(upload) as original:
        image = ImageOps.exif_transpose(original)
        if crop_square:
            image = ImageOps.fit(image, (max_size[0], max_size[0]))
        else:
            image.thumbnail(max_size)
        has_alpha = image.mode in ("RGBA", "LA", "P") and "transparency" in image.info or image.mode in ("RGBA", "LA")
        image = image.convert("RGBA" if has_alpha else "RGB")
        # Pillow writes some of the source's metadata back (a JPEG comment, for
        # one); keep only the colour profile, which the picture needs.
        image.info = {key: value for key, value in image.info.items() if key == "icc_profile"}
        buffer = io.BytesIO()
        if has_alpha:
            image.save(buffer, "PNG", optimize=True)
            extension = "png"
        else:
            image.save(buffer, "JPEG", quality=85, optimize=True, progressive=True)
            extension = "jpg"
    stem = Path(getattr(upload, "name", "") or "image").stem[:60] or "image"
    return ContentFile(buffer.getvalue(), name=f"{stem}.{extension}")
