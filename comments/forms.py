from __future__ import annotations

import secrets
import time
from typing import TYPE_CHECKING

from django import forms
from django.conf import settings
from django.core import signing, validators
from django.core.exceptions import ValidationError
from django.middleware.csrf import get_token
from django.utils.translation import gettext_lazy as _

from accounts.impersonation import imitated
from core.bidi import isolate
from core.plain_text import validate_name, validate_plain_text
from core.text_limits import WholeTextMixin

from .badges import Voices
from .models import Comment

if TYPE_CHECKING:
    from django.http import HttpRequest, QueryDict

    from blog.models import Post

TOKEN_SALT = "comments.form-token"  # noqa: S105 - a signing namespace, not a secret


def token_reader(request):
    """Who a form token is drawn for: the reader's CSRF secret, made now if they have none yet.

    Every reader has one, cached-page readers without a session included, and
    every POST that reaches a view carries it (CsrfViewMiddleware checked it):
    a token bound to it is worth nothing in another browser.
    """
    if (secret := request.META.get("CSRF_COOKIE")) is None:
        get_token(request)
        secret = request.META["CSRF_COOKIE"]
    return secret


def _signer(reader):
    # The reader's secret is part of the signing key, never of the token: a token shows nothing of it.
    return signing.Signer(salt=f"{TOKEN_SALT}:{reader}")


def new_form_token(*, reader, post_id):
    """A signed, one-time token for one reader and one post: it dates the form and makes a resubmission harmless.

    "<id>.<seconds>.<post id>:<signature>", signed under the reader's secret
    (token_reader): a plain signed string, not signing.dumps, because every
    cached page view draws one (a third of the cost).
    """
    return _signer(reader).sign(f"{secrets.token_hex(16)}.{time.time():.3f}.{post_id}")


def read_form_token(token, *, reader, post_id, max_age):
    """The token's (id, seconds since the form was drawn) for this reader and post.

    BadSignature when it is damaged or was drawn for another reader or
    another post, SignatureExpired when it is too old.
    """
    drawn, _sep, drawn_for = _signer(reader).unsign(token).rpartition(".")
    form_id, _sep, drawn_at = drawn.partition(".")
    if drawn_for != str(post_id):
        raise signing.BadSignature("The form token was drawn for another post.")
    try:
        age = time.time() - float(drawn_at)
    except ValueError:
        raise signing.BadSignature("No time in the form token.") from None
    if age > max_age:
        raise signing.SignatureExpired(f"Form token age {age:.0f} > {max_age} seconds.")
    return form_id, max(age, 0)


class ReportForm(WholeTextMixin, forms.Form):
    """A reader's optional reason for reporting a comment, checked like any text they send."""

    reason = forms.CharField(
        label=_("Why? (optional)"), max_length=200, required=False, validators=[validate_plain_text]
    )


class BodyLengthValidator(validators.MaxLengthValidator):
    """The comment's length as the reader counts it: a line break is one character.

    Browsers send each line break as CR LF; the counter on the page
    (static/js/character-count.js) counts it once, like the reader does.
    """

    message = _(
        "Your comment is %(show_value)d characters long; the limit is %(limit_value)d. "
        "Shorten it and send it again: your text is kept below."
    )

    def clean(self, x):
        return len(x.replace("\r\n", "\n"))


class CommentForm(WholeTextMixin, forms.Form):
    """The reader's comment form. Logged-in users only write the body.

    Its token is drawn for one reader and one post (new_form_token): the
    view gives the reader's secret (token_reader) and the post's id.
    """

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
    # Its length limit and help text are set in __init__, from COMMENTS_BODY_MAX_LENGTH as it is at that time.
    body = forms.CharField(
        label=_("Comment"), widget=forms.Textarea(attrs={"rows": 6}), validators=[validate_plain_text]
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

    def __init__(self, *args, reader, post_id, user=None, replyable=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.reader, self.post_id = reader, post_id
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
        if not self.is_bound and "token" not in self.initial:
            self.initial["token"] = new_form_token(reader=reader, post_id=post_id)
        if self.user is not None:
            for name in ("name", "email", "website"):
                del self.fields[name]
        body, limit = self.fields["body"], settings.COMMENTS_BODY_MAX_LENGTH
        body.validators.append(BodyLengthValidator(limit))
        body.help_text = _(
            "Plain text, at most %(limit)s characters. Line breaks are kept and addresses become links."
        ) % {"limit": limit}
        # No maxlength, which would cut a pasted text: a counter shows what is left (static/js/character-count.js).
        body.widget.attrs.update(
            {
                "data-max-length": limit,
                "data-left-label": _("Characters left:"),
                "data-over-label": _("Characters over the limit:"),
            }
        )

    def clean_token(self):
        max_age = settings.COMMENTS_FORM_MAX_AGE_HOURS * 3600
        try:
            form_id, self.seconds_to_submit = read_form_token(
                self.cleaned_data["token"], reader=self.reader, post_id=self.post_id, max_age=max_age
            )
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
            ) % {"name": isolate(name), "protected": isolate(protected)}
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
        data["token"] = new_form_token(reader=self.reader, post_id=self.post_id)
        self.data = data


def form_for(
    request: HttpRequest, post: Post, data: QueryDict | None = None, *, initial: dict | None = None
) -> CommentForm:
    """The comment form of a post for this reader: its token drawn for them; it may answer any public comment."""
    return CommentForm(
        data,
        user=request.user,
        initial=initial,
        replyable=post.comments.public(),
        reader=token_reader(request),
        post_id=post.pk,
    )
