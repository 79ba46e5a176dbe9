from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from blog.models import Post
from core.bidi import isolate


class Redirect(models.Model):
    """An address of the blog's previous home that now leads to a post, with a permanent redirect.

    Written by the importers from each post's old permalink (and its ?p=ID
    short link) so that links and search results pointing at the old site
    keep working once the domain points here. wordpress.redirects answers them.
    The table keeps the name it had when the model lived in blog, so moving the
    model moved no row.
    """

    old_path = models.CharField(
        _("old address"),
        max_length=500,
        unique=True,
        help_text=_("A path on this site, such as /2019/03/hello-world/ or /?p=123, without the domain."),
    )
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="redirects", verbose_name=_("post"))
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        db_table = "blog_redirect"
        verbose_name = _("redirect")
        verbose_name_plural = _("redirects")
        ordering = ["old_path"]

    def __str__(self):
        return f"{isolate(self.old_path)} → {self.post.get_absolute_url()}"
