"""The one way a password is checked: Django's ModelBackend behind the login limits.

Every door that logs a person in with a password (the site's login page,
the admin's, any other that calls django.contrib.auth.authenticate) goes
through here, so the limits cannot be walked around by choosing another
page. Over a limit the password is not checked at all, whether it is right
or not; the request is marked so LoginRefusalMiddleware answers 429.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied

from . import throttle


class ThrottledModelBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get(get_user_model().USERNAME_FIELD)
        if username is None or password is None:
            return None
        if refusal := throttle.login_refusal(request, username):
            if request is not None:
                request.login_refused = refusal
            raise PermissionDenied  # authenticate() stops: no other backend checks the password either.
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None:
            throttle.login_failed(request, username)
        else:
            throttle.login_succeeded(user)
        return user
