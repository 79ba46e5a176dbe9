from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from core.tokens import LinkRefused

from .suppressions import address_suppress, unsubscribe_address


@csrf_exempt  # RFC 8058: the mail provider posts "List-Unsubscribe=One-Click" without a form; the token is the proof.
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    """One-click unsubscribe, no login: confirm on GET, stop every e-mail to the address on POST."""
    try:
        email = unsubscribe_address(token)
    except LinkRefused:
        return render(request, "mail/unsubscribe.html", {"refused": "invalid"}, status=400)
    if request.method == "POST":
        address_suppress(email=email)
        return render(request, "mail/unsubscribe.html", {"email": email, "done": True})
    return render(request, "mail/unsubscribe.html", {"email": email})
