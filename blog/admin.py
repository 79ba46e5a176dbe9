from django.contrib import admin
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.bidi import isolate

from .forms import ImportForm, PostAdminForm
from .models import Post, Redirect
from .wordpress.disqus import import_disqus
from .wordpress.importer import IMPORT_PERMISSIONS, import_wxr, missing_import_permissions, quoted
from .wordpress.reader import WxrError


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

    # -- importing a WordPress or Disqus export ------------------------------------

    def get_urls(self):
        view = self.admin_site.admin_view(self.import_view)
        return [path("import/", view, name="blog_post_import"), *super().get_urls()]

    def has_import_permission(self, request):
        """An import writes posts and publishes comments: both permissions (IMPORT_PERMISSIONS)."""
        return not missing_import_permissions(request.user)

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "can_import": self.has_import_permission(request)}
        return super().changelist_view(request, extra_context)

    def import_view(self, request):
        """Import an uploaded export and show its report; the same importers as the commands.

        Staff without the import's permissions get the page's explanation
        (which permissions, which they lack) with a 403, and no form; a POST
        from them imports nothing.
        """
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Import from WordPress or Disqus"),
            "opts": self.opts,
            "needed": quoted(IMPORT_PERMISSIONS.values()),
            "missing": quoted(missing_import_permissions(request.user)),
        }
        if context["missing"]:
            return TemplateResponse(request, "admin/blog/post/import.html", context, status=403)
        form = ImportForm(request.POST or None, request.FILES or None)
        report = None
        if request.method == "POST" and form.is_valid():
            importer = import_disqus if form.cleaned_data["kind"] == ImportForm.DISQUS else import_wxr
            try:
                report = importer(
                    form.cleaned_data["file"],
                    author_map=form.cleaned_data["author_map"],
                    actor=request.user,
                    dry_run=form.cleaned_data["dry_run"],
                )
            except WxrError as error:
                form.add_error("file", gettext("This file cannot be imported: %(error)s") % {"error": isolate(error)})
        context.update(form=form, report=report, sections=report.sections(all_media=False) if report else [])
        return TemplateResponse(request, "admin/blog/post/import.html", context)


@admin.register(Redirect)
class RedirectAdmin(admin.ModelAdmin):
    list_display = ["old_path", "post", "created_at"]
    search_fields = ["old_path", "post__title"]
    autocomplete_fields = ["post"]
