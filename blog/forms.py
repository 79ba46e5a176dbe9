from django import forms

from core import images

from .models import Post


class PostAdminForm(forms.ModelForm):
    """Checks an uploaded cover before the post is saved; the admin stores it re-encoded."""

    class Meta:
        model = Post
        fields = [
            "title", "slug", "author", "co_authors", "lead", "body", "cover", "cover_alt",
            "status", "published_at", "comments_enabled",
        ]  # fmt: skip
        field_classes = {"cover": images.ImageUploadField}
