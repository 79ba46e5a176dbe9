"""The import page, on the posts' admin, and the old permalinks.

The page keeps its address under the posts (/admin/blog/post/import/, named
admin:blog_post_import) while its code lives here: this app replaces the
posts' ModelAdmin with one that adds the page, so blog knows nothing of
imports. It runs after blog's admin because INSTALLED_APPS lists it later.
"""

from django.contrib import admin
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext

from blog.admin import PostAdmin
from blog.models import Post
from core.bidi import isolate

from .disqus import import_disqus
from .forms import ImportForm
from .importer import IMPORT_PERMISSIONS, import_wxr, missing_import_permissions, quoted
from .models import Redirect
from .reader import WxrError

admin.site.unregister(Post)


@admin.register(Post)
class ImportingPostAdmin(PostAdmin):
    """The posts' admin with a button and a page to import a WordPress or Disqus export."""

    change_list_template = "wordpress/post_change_list.html"

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
            return TemplateResponse(request, "wordpress/import.html", context, status=403)
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
        return TemplateResponse(request, "wordpress/import.html", context)


@admin.register(Redirect)
class RedirectAdmin(admin.ModelAdmin):
    list_display = ["old_path", "post", "created_at"]
    search_fields = ["old_path", "post__title"]
    autocomplete_fields = ["post"]
