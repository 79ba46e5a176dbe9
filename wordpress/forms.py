from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .importer import read_author_map


class ImportForm(forms.Form):
    """An export file uploaded in the admin, small enough to import during the request."""

    WORDPRESS, DISQUS = "wordpress", "disqus"

    kind = forms.ChoiceField(
        label=_("Export"),
        choices=[(WORDPRESS, _("WordPress (WXR file)")), (DISQUS, _("Disqus (XML file)"))],
        initial=WORDPRESS,
    )
    file = forms.FileField(label=_("File"), help_text=_("Larger files: manage.py import_wxr (see docs/migrating.md)."))
    author_map = forms.FileField(
        label=_("Author map"),
        required=False,
        help_text=_(
            "Optional. A CSV file of source,account lines (or a JSON object): a login or e-mail in the export "
            "→ the e-mail of an account here. Only the comments it names get an account, and a badge; "
            "without it, no imported comment is linked to an account."
        ),
    )
    dry_run = forms.BooleanField(
        label=_("Dry run"), required=False, help_text=_("Read the file and show the report without saving anything.")
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = settings.BLOG_IMPORT_MAX_UPLOAD_BYTES
        if upload.size > limit:
            raise ValidationError(
                _("This file is %(size)s MB; the limit is %(limit)s MB.")
                % {"size": round(upload.size / 1_048_576, 1), "limit": round(limit / 1_048_576, 1)},
                code="file_too_large",
            )
        return upload

    def clean_author_map(self):
        """{source: account e-mail}, read from the uploaded file (empty without one)."""
        upload = self.cleaned_data.get("author_map")
        if not upload:
            return {}
        if upload.size > settings.BLOG_IMPORT_MAX_UPLOAD_BYTES:
            raise ValidationError(_("This author map is too large."), code="author_map_too_large")
        try:
            return read_author_map(upload.read().decode("utf-8"))
        except UnicodeDecodeError:
            raise ValidationError(_("The author map must be a UTF-8 text file."), code="author_map_encoding") from None
        except ValueError as error:
            raise ValidationError(str(error), code="invalid_author_map") from None
