"""A reader's CSRF token for a cached page, as Django makes it, at a tenth of the cost.

Every page served from the page cache carries a CSRF token of its own, and
a reader who arrives without a CSRF cookie (most readers of a busy post)
needs a new secret too. Django's get_token draws each of the 64 characters
of secret and mask with a separate call to SystemRandom: about a third of
the time of a cached page. Here both come from one read of os.urandom,
kept unbiased by dropping the bytes that would favour some characters.

The token is Django's own format (mask, then the secret shifted by the
mask), so CsrfViewMiddleware checks it as any other; tests hold the two
together. The secret goes where get_token puts it, request.META, and the
middleware sets the cookie from there.
"""

import os

from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH

_BASE = len(CSRF_ALLOWED_CHARS)
_INDEX = {character: index for index, character in enumerate(CSRF_ALLOWED_CHARS)}
# Bytes below the largest multiple of the alphabet's length map evenly onto it; the rest are dropped.
_KEPT = 256 - 256 % _BASE
_TABLE = bytes(ord(CSRF_ALLOWED_CHARS[byte % _BASE]) if byte < _KEPT else 0 for byte in range(256))
_DROPPED = bytes(range(_KEPT, 256))


def random_string(length=CSRF_SECRET_LENGTH):
    """`length` characters drawn uniformly from Django's CSRF alphabet."""
    drawn = b""
    while len(drawn) < length:
        drawn += os.urandom(length + 8).translate(_TABLE, _DROPPED)
    return drawn[:length].decode("ascii")


def get_token(request):
    """Like django.middleware.csrf.get_token: a new masked token, and a new secret if the reader has none."""
    secret = request.META.get("CSRF_COOKIE")
    if secret is None:
        secret = request.META["CSRF_COOKIE"] = random_string()
    request.META["CSRF_COOKIE_NEEDS_UPDATE"] = True  # The middleware sets or renews the cookie.
    mask = random_string()
    return mask + "".join(
        CSRF_ALLOWED_CHARS[(_INDEX[s] + _INDEX[m]) % _BASE] for s, m in zip(secret, mask, strict=True)
    )
