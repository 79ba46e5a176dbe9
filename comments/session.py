"""Remember, in the reader's session, the comments they wrote.

A reader sees their own comment in place, awaiting moderation, after a
reload and after logging in (Django keeps session data across a login).
Nobody else's session holds its id, so nobody else sees it.
"""

SESSION_KEY = "own_comment_ids"
LIMIT = 200


def remember(request, comment):
    ids = [pk for pk in request.session.get(SESSION_KEY, []) if pk != comment.pk]
    request.session[SESSION_KEY] = [*ids, comment.pk][-LIMIT:]


def own_ids(request):
    return request.session.get(SESSION_KEY, [])


def owns(request, comment):
    user = request.user
    return comment.pk in own_ids(request) or (user.is_authenticated and comment.user_id == user.pk)
