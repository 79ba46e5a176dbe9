from pathlib import Path

from django import forms
from django.contrib.auth.forms import (
    AdminUserCreationForm,
    AuthenticationForm,
    BaseUserCreationForm,
    PasswordResetForm,
    UserChangeForm,
)
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from core.images import ImageUploadField, reencode
from core.text_limits import WholeTextMixin

from .impersonation import imitated
from .models import User
from .self_service import KEEP_COMMENTS, REMOVE_COMMENTS, avatar_file_discard, password_reset_send, user_signup


class UserCreationAdminForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ["email", "display_name"]


class UserChangeAdminForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


class LoginForm(AuthenticationForm):
    """The reader's login: the username field is the e-mail address, typed in any case."""

    username = forms.EmailField(
        label=_("E-mail address"), widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"})
    )

    error_messages = {
        **AuthenticationForm.error_messages,
        "unconfirmed": _(
            "Confirm your e-mail address first: follow the link we sent you when you signed up, or ask for a new one."
        ),
    }

    def clean(self):
        """Tell the owner of an account awaiting confirmation why they cannot log in yet.

        Said only to someone who typed the right password, so the page does
        not reveal which addresses have signed up. Never past the login
        limits (accounts.throttle): there the password is not checked.
        """
        try:
            return super().clean()
        except ValidationError:
            if getattr(self.request, "login_refused", None):
                raise
            email, password = self.cleaned_data.get("username"), self.cleaned_data.get("password")
            pending = User.objects.awaiting_confirmation(email) if email else None
            if pending is not None and password and pending.check_password(password):
                raise ValidationError(self.error_messages["unconfirmed"], code="unconfirmed") from None
            raise


def _clean_display_name(form):
    """Refuse at once a name the comment form would refuse: one that imitates a badge wearer's."""
    name = form.cleaned_data["display_name"]
    if protected := imitated(name, user=form.instance if form.instance.pk else None):
        raise ValidationError(
            _("This name is too close to “%(protected)s”, whose comments carry a badge on this blog. Choose another."),
            code="impersonation",
            params={"protected": protected},
        )
    return name


class SignupForm(WholeTextMixin, BaseUserCreationForm):
    """A new reader's account: e-mail address, display name, password twice."""

    class Meta:
        model = User
        fields = ["email", "display_name"]
        labels = {"email": _("E-mail address"), "display_name": _("Display name")}
        help_texts = {
            "email": _("We send a link to this address: the account works once you follow it."),
            "display_name": _("Shown beside your comments. You can change it later."),
        }
        widgets = {
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "display_name": forms.TextInput(attrs={"autocomplete": "nickname"}),
        }

    clean_display_name = _clean_display_name

    def clean_email(self):
        email = User.objects.normalize_email(self.cleaned_data["email"])
        existing = User.objects.filter(email__iexact=email).first()
        if existing is not None and existing.awaiting_confirmation:
            raise ValidationError(
                _("This address has signed up already and awaits confirmation: ask for a new link below."),
                code="awaiting_confirmation",
            )
        if existing is not None:
            raise ValidationError(
                _("An account with this e-mail address already exists. Forgot your password? Reset it below."),
                code="unique",
            )
        return email

    def save(self, commit=True):
        return user_signup(
            email=self.cleaned_data["email"],
            display_name=self.cleaned_data["display_name"],
            password=self.cleaned_data["password1"],
        )


class ResendConfirmationForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail address"), widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"})
    )

    def pending_user(self):
        """The account awaiting confirmation at this address, if any (the page never says)."""
        return User.objects.awaiting_confirmation(self.cleaned_data["email"])


AVATAR_SIZE = (256, 256)


class ProfileForm(WholeTextMixin, forms.ModelForm):
    """The reader's public profile. A new avatar is cropped square and re-encoded as it is validated."""

    avatar = ImageUploadField(
        label=_("Avatar"),
        required=False,
        help_text=_("A JPEG, PNG, WebP or GIF picture. It is cropped to a square."),
    )

    class Meta:
        model = User
        fields = ["display_name", "avatar", "bio", "website"]
        labels = {"display_name": _("Display name"), "bio": _("Short bio"), "website": _("Website")}
        widgets = {"bio": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.previous_avatar = self.instance.avatar.name if self.instance.avatar else ""

    clean_display_name = _clean_display_name

    def clean_avatar(self):
        avatar = self.cleaned_data.get("avatar")
        if isinstance(avatar, UploadedFile):
            square = reencode(avatar, max_size=AVATAR_SIZE, crop_square=True)
            square.name = "avatar" + Path(square.name).suffix
            return square
        return avatar

    def save(self, commit=True):
        user = super().save(commit=commit)
        if commit and self.previous_avatar != (user.avatar.name if user.avatar else ""):
            avatar_file_discard(self.previous_avatar)
        return user


class DeleteAccountForm(forms.Form):
    comments = forms.ChoiceField(
        label=_("Your comments"),
        widget=forms.RadioSelect,
        choices=[
            (KEEP_COMMENTS, _("Keep my comments on the blog, signed “Deleted account”")),
            (REMOVE_COMMENTS, _("Remove my comments from the blog")),
        ],
    )
    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text=_("To make sure it is you."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise ValidationError(_("This is not your password."), code="password_incorrect")
        return password


class QueuedPasswordResetForm(PasswordResetForm):
    """Django's password reset form, whose e-mail the worker renders and sends like every other.

    Django's context (uid, token, and a domain taken from the request's
    Host) is not used: the queue would hold a live link, and a forged Host
    would choose where it points. The worker makes the link, from SITE_URL
    (accounts.self_service.password_reset_link).
    """

    def send_mail(
        self, subject_template_name, email_template_name, context, from_email, to_email, html_email_template_name=None
    ):
        password_reset_send(user=context["user"], to=to_email)
