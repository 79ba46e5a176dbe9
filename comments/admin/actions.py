"""The bulk decisions of the queue: each one calls its service on every chosen comment it allows.

Those that need a reason or a figure (reject, spam, a longer delay) first
show views.decision, whose Confirm posts the action again with "apply".
"""

from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from .. import services
from ..models import Comment
from . import views
from .forms import DecisionForm, ExtendDelayForm, SpamForm


def decide(
    model_admin: admin.ModelAdmin,
    request: HttpRequest,
    queryset: QuerySet,
    decision: Callable[[Comment], object],
    done_message: Callable[[int], str],
) -> None:
    """Apply `decision` to each comment it allows; report how many changed and how many could not."""
    done = skipped = 0
    for comment in queryset:
        try:
            decision(comment)
        except services.TransitionRefused:
            skipped += 1
        else:
            done += 1
    if done:
        model_admin.message_user(request, done_message(done) % {"count": done}, messages.SUCCESS)
    if skipped:
        message = ngettext(
            "%(count)d comment was left as it was: its status does not allow this decision.",
            "%(count)d comments were left as they were: their status does not allow this decision.",
            skipped,
        )
        model_admin.message_user(request, message % {"count": skipped}, messages.WARNING)


def decide_with_form(
    model_admin: admin.ModelAdmin,
    request: HttpRequest,
    queryset: QuerySet,
    form_class: type[forms.Form],
    *,
    title: str,
    decision: Callable[[Comment, forms.Form], object],
    done_message: Callable[[int], str],
) -> TemplateResponse | None:
    """A decision that needs a reason or a figure: an intermediate page, then the decision."""
    if "apply" in request.POST:
        form = form_class(request.POST)
        if form.is_valid():
            decide(model_admin, request, queryset, lambda comment: decision(comment, form), done_message)
            return None
    else:
        form = form_class()
    return views.decision(model_admin, request, queryset, form, title=title)


@admin.action(description=_("Approve (publish now)"), permissions=["moderate"])
def approve(model_admin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet) -> None:
    decide(
        model_admin,
        request,
        queryset,
        lambda comment: services.comment_approve(comment=comment, moderator=request.user),
        lambda n: ngettext("%(count)d comment approved.", "%(count)d comments approved.", n),
    )


@admin.action(description=_("Reject, with a reason…"), permissions=["moderate"])
def reject(model_admin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet) -> TemplateResponse | None:
    return decide_with_form(
        model_admin,
        request,
        queryset,
        DecisionForm,
        title=gettext("Reject these comments"),
        decision=lambda comment, form: services.comment_reject(
            comment=comment,
            moderator=request.user,
            note=form.why(),
            share_reason=form.cleaned_data["share_reason"],
        ),
        done_message=lambda n: ngettext("%(count)d comment rejected.", "%(count)d comments rejected.", n),
    )


@admin.action(description=_("Mark as spam…"), permissions=["moderate"])
def mark_spam(model_admin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet) -> TemplateResponse | None:
    return decide_with_form(
        model_admin,
        request,
        queryset,
        SpamForm,
        title=gettext("Mark these comments as spam"),
        decision=lambda comment, form: services.comment_mark_spam(
            comment=comment, moderator=request.user, note=form.why()
        ),
        done_message=lambda n: ngettext("%(count)d comment marked as spam.", "%(count)d comments marked as spam.", n),
    )


@admin.action(description=_("Put back in the queue"), permissions=["moderate"])
def requeue(model_admin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet) -> None:
    decide(
        model_admin,
        request,
        queryset,
        lambda comment: services.comment_requeue(comment=comment, moderator=request.user),
        lambda n: ngettext("%(count)d comment put back in the queue.", "%(count)d comments put back in the queue.", n),
    )


@admin.action(description=_("Extend the publication delay…"), permissions=["moderate"])
def extend_delay(model_admin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet) -> TemplateResponse | None:
    return decide_with_form(
        model_admin,
        request,
        queryset,
        ExtendDelayForm,
        title=gettext("Extend the publication delay"),
        decision=lambda comment, form: services.comment_extend_delay(
            comment=comment, moderator=request.user, hours=form.cleaned_data["hours"], note=form.why()
        ),
        done_message=lambda n: ngettext(
            "%(count)d comment will wait longer.", "%(count)d comments will wait longer.", n
        ),
    )
