"""The desk's own pages, where the change list cannot do it: the reply in the thread, and the decision
pages that ask for a reason or a figure before acting (reject, spam, a longer delay)."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.utils.translation import gettext

from core.bidi import isolate

from .. import services
from .fields import thread_of
from .forms import ReplyForm


def reply(model_admin: admin.ModelAdmin, request: HttpRequest, object_id: str) -> HttpResponse:
    """Answer a comment in its thread, as the logged-in moderator; approve it first if it waits."""
    if not model_admin.has_moderate_permission(request):
        raise PermissionDenied
    comment = model_admin.get_object(request, object_id)
    if comment is None:
        return model_admin._get_obj_does_not_exist_redirect(request, model_admin.opts, object_id)
    form = ReplyForm(request.POST or None, user=request.user, post=comment.post)
    if request.method == "POST" and form.is_valid():
        was_public = comment.is_public()
        try:
            answer = services.comment_reply(
                parent=comment,
                author=request.user,
                body=form.cleaned_data["body"],
                organization=form.cleaned_data["identity"],
            )
        except services.TransitionRefused:
            form.add_error(None, gettext("This comment is not public and not in the queue: it cannot be answered."))
        else:
            message = render_to_string(
                "admin/comments/comment/_reply_published.html", {"reply": answer, "was_public": was_public}
            )
            model_admin.message_user(request, message, messages.SUCCESS)
            return redirect("admin:comments_comment_change", comment.pk)
    context = {
        **model_admin.admin_site.each_context(request),
        "title": gettext("Reply to %(name)s") % {"name": isolate(comment.name)},
        "opts": model_admin.opts,
        "original": comment,
        "thread": thread_of(comment),
        "form": form,
        "media": model_admin.media + form.media,
    }
    return TemplateResponse(request, "admin/comments/comment/reply.html", context)


def decision(
    model_admin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet, form: forms.Form, *, title: str
) -> TemplateResponse:
    """The chosen comments, the form of a decision and its Confirm button, which posts the action again."""
    context = {
        **model_admin.admin_site.each_context(request),
        "title": title,
        "opts": model_admin.opts,
        "form": form,
        "comments": (chosen := queryset.select_related("post")),
        "chosen_objects": chosen,
        "action": request.POST.get("action"),
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        "media": model_admin.media + form.media,
    }
    return TemplateResponse(request, "admin/comments/comment/decision.html", context)
