from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.csrf import csrf_failure as django_csrf_failure
from django.views.generic import DetailView, ListView, MonthArchiveView, TemplateView

from comments import services, thread
from comments import session as comment_session
from comments.forms import form_for, new_form_token, token_reader
from comments.policy import Outcome
from core.client import client_ip, user_agent

from . import page_cache
from .models import Post


class PublishedPostMixin:
    """Listings show published posts only, newest first, with their authors and counts."""

    def get_queryset(self):
        return (
            thread.with_public_comment_count(Post.objects.published())
            .select_related("author")
            .order_by("-published_at", "-id")
        )

    def get_paginate_by(self, queryset):
        # Read on each request, not once at import, so the setting can change.
        return settings.BLOG_POSTS_PER_PAGE


class PostListView(PublishedPostMixin, ListView):
    pass


class PostMonthArchiveView(PublishedPostMixin, MonthArchiveView):
    date_field = "published_at"
    month_format = "%m"
    make_object_list = True

    def get_dated_items(self):
        # Months ahead of today are never an archive: scheduled posts stay hidden.
        self.allow_future = False
        return super().get_dated_items()


class RobotsView(TemplateView):
    template_name = "robots.txt"
    content_type = "text/plain"


def csrf_failure(request, reason=""):
    """The CSRF check refused a POST: a comment comes back on its post's page with its text, else Django's page.

    Readers meet it when their CSRF secret changed while they wrote (a login
    in another tab renews it). The text is given back only to a request the
    browser says came from our own pages (Sec-Fetch-Site: same-origin):
    another site's forged POST gets Django's page, never a form filled in
    with its words under a valid token.
    """
    try:
        match = resolve(request.path_info)
    except Resolver404:
        match = None
    if (
        match is not None
        and match.view_name == "blog:post_detail"
        and request.method == "POST"
        and request.headers.get("Sec-Fetch-Site") == "same-origin"
    ):
        view = PostDetailView()
        view.setup(request, *match.args, **match.kwargs)
        try:
            view.object = view.get_object()
        except Http404:
            pass
        else:
            return view.sent_again()
    return django_csrf_failure(request, reason)


class PostDetailView(DetailView):
    """The post, a page of its thread and the comment form; a POST here sends a comment.

    Anonymous readers with nothing of their own on the page get it from
    the page cache (blog/page_cache.py).
    """

    def get_queryset(self):
        return Post.objects.visible_to(self.request.user).select_related("author")

    def get_context_data(self, *, form=None, **kwargs):
        return {**super().get_context_data(**kwargs), **thread.for_post_page(self.request, self.object, form=form)}

    def get(self, request, *args, **kwargs):
        if not page_cache.applies(request, slug=kwargs["slug"]):
            return super().get(request, *args, **kwargs)

        key = page_cache.key_for(request)
        if (page := page_cache.fetch(key)) is None:
            now = timezone.now()
            response = super().get(request, *args, **kwargs)
            if (page := page_cache.draw_for_everyone(response, now=now)) is None:
                return response
            page_cache.store(key, page)
        response = page_cache.respond(request, page)
        if not page.entry.headers:
            response.page_cache_drawn = (key, page)  # CachedPageMiddleware keeps it with its final headers.
        return response

    def post(self, request, *args, **kwargs):
        """Send a comment. Whatever refuses it, the reader gets the page back with their text and the reason."""
        try:
            self.object = post = self.get_object()
        except Http404:
            # No page to draw (the post is gone, or no longer public): the text is still given back.
            context = {"body": request.POST.get("body", ""), "name": request.POST.get("name", "")}
            return render(request, "blog/comment_not_sent.html", context, status=404)
        # The token was drawn for the secret this POST carries, which CsrfViewMiddleware has just checked.
        form = form_for(request, post, request.POST)
        if not post.comments_open():
            return self.closed(form)
        if not form.is_valid():
            if form.has_error("speak_as", "not_a_member"):
                return self.render_page(form, status=403)
            if "token" in form.errors:
                form.add_fresh_token()
            return self.render_page(form, status=400)
        data = form.cleaned_data
        try:
            comment = services.comment_create(
                post=post,
                body=data["body"],
                name=data.get("name", ""),
                email=data.get("email", ""),
                website=data.get("website", ""),
                user=request.user,
                parent=data["parent"],
                organization=data["speak_as"],
                ip_address=client_ip(request),
                user_agent=user_agent(request),
                honeypot=data["homepage"],
                seconds_to_submit=form.seconds_to_submit,
                form_token=data["token"],
                language=get_language() or "",
            )
        except services.CommentsClosed:
            return self.closed(form)
        except services.NotAMember:
            form.add_error("speak_as", ValidationError(_("You are not a verified member of this organisation.")))
            return self.render_page(form, status=403)
        except services.CommentRefused as refused:
            form.add_error(None, ValidationError(refused.decision.reasons[0].label(), code=refused.decision.outcome))
            status = 429 if refused.decision.outcome == Outcome.RATE_LIMITED else 400
            return self.render_page(form, status=status)
        comment_session.remember(request, comment)
        if data.get("notify"):
            services.subscription_create(comment=comment, scope=data["notify"], language=get_language() or "")
        return redirect(
            thread.comment_permalink(post, comment.pk, own_ids=comment_session.own_ids(request), user=request.user)
        )

    def sent_again(self):
        """The page for a comment the CSRF check refused: its text, a fresh token and the reason."""
        post = self.object
        data = self.request.POST.copy()
        data["token"] = new_form_token(reader=token_reader(self.request), post_id=post.pk)
        form = form_for(self.request, post, data)
        message = _(
            "Your session changed before your comment was sent (you logged in or out, perhaps in another tab): "
            "it was not published. Your text is kept below: send it again."
        )
        form.add_error(None, ValidationError(message, code="csrf"))
        if not post.comments_open():
            return self.closed(form)
        return self.render_page(form, status=403)

    def closed(self, form):
        """Refused whatever the form holds: the page says that comments are closed and gives the text back."""
        form.add_error(
            None,
            ValidationError(
                _("Comments on this post closed before your comment was sent: it was not published."), code="closed"
            ),
        )
        return self.render_page(form, status=403)

    def render_page(self, form, *, status=200):
        return self.render_to_response(self.get_context_data(form=form), status=status)
