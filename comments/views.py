from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts import throttle

from . import services
from . import session as comment_session
from .forms import ReportForm
from .models import Comment


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
