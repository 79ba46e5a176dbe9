from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .forms import PostAdminForm
from .models import Post


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    form = PostAdminForm
    list_display = ["title", "author", "status", "published_at", "is_published", "comments_enabled"]
    list_filter = ["status", "comments_enabled", "published_at", "author"]
    search_fields = ["title", "lead", "body"]
    prepopulated_fields = {"slug": ["title"]}
    date_hierarchy = "published_at"
    autocomplete_fields = ["author", "co_authors"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "author", "co_authors", "lead", "body"]}),
        (_("Cover"), {"fields": ["cover", "cover_alt"]}),
        (_("Publication"), {"fields": ["status", "published_at", "comments_enabled"]}),
    ]

    def get_changeform_initial_data(self, request):
        return {"author": request.user.pk, **super().get_changeform_initial_data(request)}

    def save_model(self, request, obj, form, change):
        if "cover" in form.changed_data:
            if form.cleaned_data.get("cover"):
                obj.set_cover(form.cleaned_data["cover"])
            else:
                # The cover was cleared: its thumbnail must not stay on the home page.
                obj.cover_thumbnail = ""
        super().save_model(request, obj, form, change)
