import secrets
import time

from django import forms
from django.conf import settings
from django.core import signing, validators
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.impersonation import imitated
from blog.plain_text import validate_name, validate_plain_text

from .badges import Voices
from .models import Comment

TOKEN_SALT = "comments.form-token"  # noqa: S105 - a signing namespace, not a secret


def new_form_token():
    """A signed, one-time token: it dates the form and makes a resubmission harmless.

    "<id>.<seconds>:<signature>": a plain signed string, not signing.dumps,
    because every cached page view draws one (a third of the cost).
    """
    return signing.Signer(salt=TOKEN_SALT).sign(f"{secrets.token_hex(16)}.{time.time():.3f}")


def read_form_token(token, *, max_age):
    """The token's (id, seconds since the form was drawn); BadSignature or SignatureExpired when it is not valid."""
    form_id, _, drawn_at = signing.Signer(salt=TOKEN_SALT).unsign(token).partition(".")
    try:
        age = time.time() - float(drawn_at)
    except ValueError:
        raise signing.BadSignature("No time in the form token.") from None
    if age > max_age:
        raise signing.SignatureExpired(f"Form token age {age:.0f} > {max_age} seconds.")
    return form_id, max(age, 0)


class ReportForm(forms.Form):
    """A reader's optional reason for reporting a comment, checked like any text they send."""

    reason = forms.CharField(
        label=_("Why? (optional)"), max_length=200, required=False, validators=[validate_plain_text]
    )


class CommentForm(forms.Form):
    """The reader's comment form. Logged-in users only write the body."""

    # Lengths match the columns of Comment: a longer value would fail on PostgreSQL.
    name = forms.CharField(label=_("Name"), max_length=80, validators=[validate_name])
    email = forms.EmailField(
        label=_("E-mail"),
        max_length=254,
        help_text=_("Never shown. Used only to reach you about this comment."),
    )
    website = forms.URLField(
        label=_("Website"), required=False, max_length=200, assume_scheme="https", validators=[validate_plain_text]
    )
    # Its length limit is set in __init__, from COMMENTS_BODY_MAX_LENGTH as it is at that time.
    body = forms.CharField(
        label=_("Comment"),
        widget=forms.Textarea(attrs={"rows": 6}),
        validators=[validate_plain_text],
        help_text=_("Plain text. Line breaks are kept and addresses become links."),
    )
    notify = forms.ChoiceField(
        label=_("E-mail me"),
        required=False,
        choices=[("", _("Nothing more")), ("replies", _("Replies to my comment")), ("thread", _("Every new comment"))],
        widget=forms.RadioSelect,
        help_text=_("Every e-mail has a link to stop them. Without an account, we first send a link to confirm."),
    )
    # For verified representatives: "self", or "org:<id>" to write for their organisation.
    speak_as = forms.CharField(label=_("Write as"), required=False, widget=forms.HiddenInput)
    parent = forms.IntegerField(widget=forms.HiddenInput, required=False)
    token = forms.CharField(widget=forms.HiddenInput)
    # A field people never see (hidden by CSS and labelled as such): robots fill it.
    homepage = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def __init__(self, *args, user=None, replyable=None, **kwargs):
        super().__init__(*args, **kwargs)
        # The comments one may answer (a QuerySet): the post's public ones, on any page of its thread.
        self.replyable = replyable if replyable is not None else Comment.objects.none()
        self.user = user if user is not None and user.is_authenticated else None
        self.seconds_to_submit = None
        self.voices = Voices.of(self.user)
        if self.voices.organizations:
            self.fields["speak_as"].widget = forms.RadioSelect(
                choices=self.voices.choices(
                    "self", _("%(name)s, personally"), _("%(name)s for %(organization)s, with the Verified badge")
                )
            )
            self.initial.setdefault("speak_as", "self")
        if not self.is_bound:
            self.initial.setdefault("token", new_form_token())
        if self.user is not None:
            for name in ("name", "email", "website"):
                del self.fields[name]
        body = self.fields["body"]
        body.max_length = settings.COMMENTS_BODY_MAX_LENGTH
        body.validators.append(validators.MaxLengthValidator(body.max_length))
        body.widget.attrs.update(body.widget_attrs(body.widget))

    def clean_token(self):
        max_age = settings.COMMENTS_FORM_MAX_AGE_HOURS * 3600
        try:
            form_id, self.seconds_to_submit = read_form_token(self.cleaned_data["token"], max_age=max_age)
        except signing.SignatureExpired:
            raise ValidationError(
                _("This form was opened too long ago. Your text is kept below: send it again."), code="expired"
            ) from None
        except signing.BadSignature:
            raise ValidationError(
                _("This form was damaged. Your text is kept below: send it again."), code="tampered"
            ) from None
        return form_id

    def clean_speak_as(self):
        """The organisation the comment is written for, or None; only its verified members may choose it."""
        try:
            return self.voices.organization(self.cleaned_data["speak_as"], own="self")
        except LookupError:
            raise ValidationError(
                _("Only a verified representative of an organisation can write in its name."), code="not_a_member"
            ) from None

    def clean(self):
        data = super().clean()
        name = self.user.display_name if self.user is not None else data.get("name", "")
        if name and (protected := imitated(name, user=self.user)):
            message = _(
                "The name “%(name)s” is too close to “%(protected)s”, whose comments carry a badge on this blog. "
                "Please sign with another name."
            ) % {"name": name, "protected": protected}
            self.add_error("name" if self.user is None else None, ValidationError(message, code="impersonation"))
        return data

    def clean_parent(self):
        parent_id = self.cleaned_data["parent"]
        if parent_id is None:
            return None
        if (parent := self.replyable.filter(pk=parent_id).first()) is not None:
            return parent
        raise ValidationError(_("The comment you are replying to is not available."), code="invalid_parent")

    def add_fresh_token(self):
        """Give a form shown again a new token, so the reader can send it once more."""
        data = self.data.copy()
        data["token"] = new_form_token()
        self.data = data
