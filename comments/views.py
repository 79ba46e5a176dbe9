from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from accounts import throttle
from accounts.tokens import LinkRefused
from blog.models import Post

from . import delivery, notifications, services
from . import session as comment_session
from .forms import ReportForm
from .models import Comment
from .thread import comment_permalink


@require_http_methods(["GET", "HEAD"])
def permalink(request, pk):
    """Send a comment's permanent address to the page of the thread that shows it, for this reader.

    A comment this reader cannot see (a moderator following a link from the
    queue, say) leads to the first page of its post, as the post's address
    would: the page itself decides what is shown.
    """
    comment = get_object_or_404(Comment.objects.select_related("post"), pk=pk)
    post = comment.post
    if not Post.objects.visible_to(request.user).filter(pk=post.pk).exists():
        raise Http404
    own_ids = comment_session.own_ids(request)
    return redirect(comment_permalink(post, pk, own_ids=own_ids, user=request.user))


@require_http_methods(["GET", "POST"])
def report(request, pk):
    """Confirm on GET, report on POST: one report per reader and comment."""
    comment = get_object_or_404(Comment.objects.public().select_related("post"), pk=pk)
    if request.method == "GET":
        return render(request, "comments/comment_confirm_report.html", {"comment": comment, "form": ReportForm()})
    if throttle.hit("report_ip", throttle.ip_of(request)):
        return throttle.too_many_requests(request, "report_ip")
    form = ReportForm(request.POST)
    if not form.is_valid():
        return render(request, "comments/comment_confirm_report.html", {"comment": comment, "form": form}, status=400)
    recorded = services.comment_flag(
        comment=comment,
        reporter=comment_session.reporter_key(request),
        user=request.user if request.user.is_authenticated else None,
        reason=form.cleaned_data["reason"],
    )
    if recorded:
        messages.success(request, _("Thank you: your report was sent to the moderators."))
    else:
        messages.info(request, _("You had already reported this comment."))
    return redirect(comment.get_absolute_url())


@require_http_methods(["GET", "POST"])
def remove(request, pk):
    """Let a commenter withdraw their own comment; the moderators keep its record."""
    comment = get_object_or_404(Comment.objects.select_related("post"), pk=pk)
    if not comment_session.owns(request, comment) or not services.allows(comment, Comment.Status.REMOVED):
        return render(request, "403.html", status=403)
    if request.method == "GET":
        return render(request, "comments/comment_confirm_remove.html", {"comment": comment})
    services.comment_remove(comment=comment, actor=request.user if request.user.is_authenticated else None)
    messages.success(request, _("Your comment was withdrawn."))
    return redirect(comment.post.get_absolute_url() + "#comments")


@require_http_methods(["GET", "POST"])
def subscription_confirm(request, token):
    """The double opt-in link: confirm on GET (mail scanners follow links), subscribe on POST."""
    try:
        subscription = notifications.subscription_for_token(token)
    except LinkRefused as refused:
        return render(request, "comments/subscription_confirm.html", {"refused": refused.reason}, status=400)
    if request.method == "POST":
        services.subscription_confirm(subscription=subscription)
        return render(request, "comments/subscription_confirm.html", {"subscription": subscription, "done": True})
    return render(request, "comments/subscription_confirm.html", {"subscription": subscription})


@csrf_exempt  # RFC 8058: the mail provider posts "List-Unsubscribe=One-Click" without a form; the token is the proof.
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    """One-click unsubscribe, no login: confirm on GET, stop every e-mail to the address on POST."""
    try:
        email = delivery.unsubscribe_address(token)
    except LinkRefused:
        return render(request, "comments/unsubscribe.html", {"refused": "invalid"}, status=400)
    if request.method == "POST":
        services.address_suppress(email=email)
        return render(request, "comments/unsubscribe.html", {"email": email, "done": True})
    return render(request, "comments/unsubscribe.html", {"email": email})
