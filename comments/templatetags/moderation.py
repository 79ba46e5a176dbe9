from datetime import timedelta

from django import template
from django.db.models import Count, Q
from django.utils import timezone

from comments.models import Comment, Status

register = template.Library()

DUE_SOON = timedelta(hours=6)


@register.simple_tag
def queue_summary(now=None):
    """How many comments wait in the queue, and how many go public within six hours."""
    now = now or timezone.now()
    return Comment.objects.queue().aggregate(
        waiting=Count("pk"),
        held=Count("pk", filter=Q(status=Status.HELD)),
        due_soon=Count("pk", filter=Q(status=Status.PENDING, publish_at__gt=now, publish_at__lte=now + DUE_SOON)),
    )
