from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from core.rate_limit import rate_limited
from core.tokens import LinkRefused

from . import notifications, services
from . import session as comment_session
from .forms import ReportForm
from .models import Comment
from .reporters import reporter_of
from .thread import comment_permalink


def seen_by(request, comments=None):
    """The comments this reader may see: on a post they may read, public or their own still waiting.

    Every address of a comment (its permalink, report and withdrawal pages)
    looks it up here: one they may not see (someone else's waiting comment,
    a rejected, spam or withdrawn one, one on a draft) answers exactly as a
    comment that never existed, a 404, so its address tells nothing. Moderators
    reach those from the admin, on the comment's own admin page.
    """
    comments = Comment.objects.all() if comments is None else comments
    return comments.readable_by(request.user, own_ids=comment_session.own_ids(request)).select_related("post")


@require_http_methods(["GET", "HEAD"])
def permalink(request, pk):
    """Send a comment's permanent address to the page of the thread that shows it, for this reader."""
    comment = get_object_or_404(seen_by(request), pk=pk)
    own_ids = comment_session.own_ids(request)
    return redirect(comment_permalink(comment.post, pk, own_ids=own_ids, user=request.user))


@require_http_methods(["GET", "POST"])
@rate_limited("report_ip")
def report(request, pk):
    """Confirm on GET, report on POST: one report per reader identity (account or address block) and comment."""
    comment = get_object_or_404(seen_by(request, Comment.objects.public()), pk=pk)
    if request.method == "GET":
        return render(request, "comments/comment_confirm_report.html", {"comment": comment, "form": ReportForm()})
    form = ReportForm(request.POST)
    if not form.is_valid():
        return render(request, "comments/comment_confirm_report.html", {"comment": comment, "form": form}, status=400)
    try:
        recorded = services.comment_flag(
            comment=comment, reporter=reporter_of(request), reason=form.cleaned_data["reason"]
        )
    except services.ReportRefused as refused:
        form.add_error(
            None,
            ValidationError(
                _(
                    "You have sent as many reports as one reader may in a day. Your reason is kept below: "
                    "send it again tomorrow, or write to the blog's team."
                ),
                code="report_budget",
            ),
        )
        response = render(
            request, "comments/comment_confirm_report.html", {"comment": comment, "form": form}, status=429
        )
        response["Retry-After"] = str(refused.retry_after)
        return response
    if recorded:
        messages.success(request, _("Thank you: your report was sent to the moderators."))
    else:
        messages.info(request, _("You had already reported this comment."))
    return redirect(comment.get_absolute_url())


@require_http_methods(["GET", "POST"])
def remove(request, pk):
    """Let a commenter withdraw their own comment; the moderators keep its record.

    Anyone else's comment is not found here (404), as if it did not exist.
    """
    comment = get_object_or_404(seen_by(request), pk=pk)
    if not comment_session.owns(request, comment):
        raise Http404
    if not services.allows(comment, Comment.Status.REMOVED):
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
