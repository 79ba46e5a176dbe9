"""The forms of the moderation desk: decisions that need a reason, edits, replies."""

from django import forms
from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _

from core.text_limits import WholeTextMixin

from ..badges import Voices
from ..models import Comment

REJECTION_REASONS = [
    ("off_topic", _("Off topic")),
    ("abusive", _("Insulting or aggressive")),
    ("advertising", _("Advertising")),
    ("personal_data", _("Personal information about someone")),
    ("duplicate", _("Already said in the thread")),
    ("other", _("Other (say why below)")),
]


class DecisionForm(WholeTextMixin, forms.Form):
    """A bulk decision with its reason, kept in the audit trail."""

    reason = forms.ChoiceField(label=_("Reason"), choices=REJECTION_REASONS, widget=forms.RadioSelect)
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Kept in each comment's moderation history."),
    )
    share_reason = forms.BooleanField(
        label=_("Give the reason to the commenter"),
        required=False,
        help_text=_("The commenter is told by e-mail that the comment was not published; tick to add the reason."),
    )

    def clean(self):
        data = super().clean()
        if data.get("reason") == "other" and not data.get("note", "").strip():
            self.add_error("note", _("Say why, since none of the listed reasons fits."))
        return data

    def why(self):
        """The reason as the history shows it: the chosen label, then the note."""
        label = dict(REJECTION_REASONS)[self.cleaned_data["reason"]]
        note = self.cleaned_data["note"].strip()
        if self.cleaned_data["reason"] == "other":
            return note
        return f"{label}: {note}" if note else str(label)


class SpamForm(WholeTextMixin, forms.Form):
    note = forms.CharField(label=_("Note"), required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 2}))

    def why(self):
        return self.cleaned_data["note"].strip()


class ExtendDelayForm(WholeTextMixin, forms.Form):
    hours = forms.IntegerField(
        label=_("Hours to add"),
        min_value=1,
        max_value=24 * 30,
        initial=24,
        help_text=_("Each selected comment goes public this much later, unless someone decides before."),
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=500)

    def why(self):
        return self.cleaned_data["note"].strip()


class CommentChangeForm(WholeTextMixin, forms.ModelForm):
    """The admin's comment form: the text may change, but never without a reason and a trace."""

    edit_note = forms.CharField(
        label=_("Why change the text?"),
        required=False,
        max_length=300,
        help_text=_("Required when the text changes. The original is kept and the page says it was edited."),
    )

    class Meta:
        model = Comment
        fields = ["body"]

    def clean(self):
        data = super().clean()
        if "body" in self.changed_data:
            if not data.get("body", "").strip():
                self.add_error("body", _("A comment cannot be emptied: reject it instead."))
            if not data.get("edit_note", "").strip():
                self.add_error("edit_note", _("Say why you change the reader's words; the reason is kept."))
        return data


class ReplyForm(forms.Form):
    """A reply written in the admin, published at once in the thread.

    Each choice of voice says the badge the reply will wear on this post:
    Author only for one of the post's authors, none for another moderator.
    """

    identity = forms.ChoiceField(label=_("Reply as"), widget=forms.RadioSelect)
    body = forms.CharField(
        label=_("Your reply"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Plain text, as readers write it: links are made clickable, line breaks kept."),
    )

    def __init__(self, *args, user, post, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].validators.append(MaxLengthValidator(settings.COMMENTS_BODY_MAX_LENGTH))
        self.voices = Voices.of(user)
        if post.is_written_by(user):
            own = _("%(name)s, under the Author badge")
        else:
            own = _("%(name)s, without a badge: only the authors of this post wear Author")
        choices = self.voices.choices(
            "self", own, _("%(name)s for %(organization)s, under the Verified · %(organization)s badge")
        )
        self.fields["identity"].choices = choices
        self.fields["identity"].initial = choices[0][0]

    def clean_identity(self):
        """The organisation the reply speaks for, or None for the writer's own voice."""
        return self.voices.organization(self.cleaned_data["identity"], own="self")
