"""The representative's dashboard: public comments that name their organisations, unanswered first."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.html import format_html_join

from accounts.models import Membership
from core.bidi import bdi

from . import mentions


@login_required
def dashboard(request):
    """The public comments that name the representative's organisations, unanswered first."""
    verified = list(Membership.objects.verified().filter(user=request.user).select_related("organization"))
    if not verified:
        return render(request, "comments/dashboard.html", {"memberships": []}, status=403)
    rows = mentions.dashboard_mentions(organization_ids=[membership.organization_id for membership in verified])
    return render(
        request,
        "comments/dashboard.html",
        {
            "memberships": verified,
            # One sentence to translate: the names go into it already marked up.
            "organization_names": format_html_join(
                ", ", "<strong>{}</strong>", ((bdi(membership.organization.name),) for membership in verified)
            ),
            "unanswered": [row for row in rows if not row.answered],
            "answered": [row for row in rows if row.answered],
        },
    )
