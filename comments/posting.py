"""Sending a comment: the form of a post's page posts to /comments/post/<slug>/ (comments:post_comment).

Why an address of its own rather than the post's: sending a comment is the
comments' business (their form, policy, services and the reader's session),
and the post's page (blog) only shows the post and, through one call
(comments.thread.for_post_page), its thread. The address sits under
comments/ with every other address of comments; "post/" comes before the
slug because a slug may be all digits, which comments/<id>/ (a comment's
permalink) would take, and it reads like feed/<slug>/, the post's feed of
comments. A page drawn before this address existed still posts to the
post's own address, which answers 307 to this one: the browser sends the
same form again, text and all.

Nothing needs JavaScript. Whatever refuses a comment, the reader gets the
post's page back, at this address, with their text and the reason: 400 for
the form, 403 when comments closed or for a voice that is not theirs, 429
for the rate limit; a post no longer public gives the text back on a page of
its own (404). An accepted comment goes to its permalink. The links of a
page sent back are those of the post's page, and some are relative to the
address (?reply_to=ID): a GET here goes to the post's page with the query.

The site's CSRF failure view (CSRF_FAILURE_VIEW) is here too: a comment
refused by the CSRF check comes back the same way.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import Resolver404, resolve, reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.csrf import csrf_failure as django_csrf_failure
from django.views.decorators.http import require_http_methods

from blog.models import Post
from core.client import client_ip, user_agent

from . import services, thread
from . import session as comment_session
from .forms import CommentForm, form_for, new_form_token, token_reader
from .policy import Outcome

# The addresses a comment form posts to: this view's, and the post's own for pages drawn before it existed.
SENDING_VIEWS = {"comments:post_comment", "blog:post_detail"}


@require_http_methods(["GET", "HEAD", "POST"])
def post_comment(request: HttpRequest, slug: str) -> HttpResponse:
    """Send a comment. Whatever refuses it, the reader gets the post's page back with their text and the reason."""
    if request.method != "POST":
        return redirect(with_query(reverse("blog:post_detail", kwargs={"slug": slug}), request))
    if (post := visible_post(request, slug)) is None:
        # No page to draw (the post is gone, or no longer public): the text is still given back.
        context = {"body": request.POST.get("body", ""), "name": request.POST.get("name", "")}
        return render(request, "comments/comment_not_sent.html", context, status=404)
    # The token was drawn for the secret this POST carries, which CsrfViewMiddleware has just checked.
    form = form_for(request, post, request.POST)
    if not post.comments_open():
        return closed(request, post, form)
    if not form.is_valid():
        if form.has_error("speak_as", "not_a_member"):
            return page_again(request, post, form, status=403)
        if "token" in form.errors:
            form.add_fresh_token()
        return page_again(request, post, form, status=400)
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
        return closed(request, post, form)
    except services.NotAMember:
        form.add_error("speak_as", ValidationError(_("You are not a verified member of this organisation.")))
        return page_again(request, post, form, status=403)
    except services.CommentRefused as refused:
        form.add_error(None, ValidationError(refused.decision.reasons[0].label(), code=refused.decision.outcome))
        status = 429 if refused.decision.outcome == Outcome.RATE_LIMITED else 400
        return page_again(request, post, form, status=status)
    comment_session.remember(request, comment)
    if data.get("notify"):
        services.subscription_create(comment=comment, scope=data["notify"], language=get_language() or "")
    return redirect(
        thread.comment_permalink(post, comment.pk, own_ids=comment_session.own_ids(request), user=request.user)
    )


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
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
        and match.view_name in SENDING_VIEWS
        and request.method == "POST"
        and request.headers.get("Sec-Fetch-Site") == "same-origin"
        and (post := visible_post(request, match.kwargs["slug"])) is not None
    ):
        return sent_again(request, post)
    return django_csrf_failure(request, reason)


def visible_post(request: HttpRequest, slug: str) -> Post | None:
    """The post of this address as the reader may see it (staff who edit posts see drafts too), or None."""
    try:
        return Post.objects.visible_to(request.user).select_related("author").get(slug=slug)
    except Post.DoesNotExist:
        return None


def with_query(address: str, request: HttpRequest) -> str:
    """The address with the request's query string (a page of comments, a reply), as it was sent."""
    query = request.META.get("QUERY_STRING", "")
    return f"{address}?{query}" if query else address


def sent_again(request: HttpRequest, post: Post) -> HttpResponse:
    """The page for a comment the CSRF check refused: its text, a fresh token and the reason."""
    data = request.POST.copy()
    data["token"] = new_form_token(reader=token_reader(request), post_id=post.pk)
    form = form_for(request, post, data)
    message = _(
        "Your session changed before your comment was sent (you logged in or out, perhaps in another tab): "
        "it was not published. Your text is kept below: send it again."
    )
    form.add_error(None, ValidationError(message, code="csrf"))
    if not post.comments_open():
        return closed(request, post, form)
    return page_again(request, post, form, status=403)


def closed(request: HttpRequest, post: Post, form: CommentForm) -> HttpResponse:
    """Refused whatever the form holds: the page says that comments are closed and gives the text back."""
    form.add_error(
        None,
        ValidationError(
            _("Comments on this post closed before your comment was sent: it was not published."), code="closed"
        ),
    )
    return page_again(request, post, form, status=403)


def page_again(request: HttpRequest, post: Post, form: CommentForm, *, status: int) -> HttpResponse:
    """The post's page as its view draws it (blog/post_detail.html), with the form sent back, its errors and text."""
    context = {"object": post, "post": post, **thread.for_post_page(request, post, form=form)}
    return render(request, "blog/post_detail.html", context, status=status)
