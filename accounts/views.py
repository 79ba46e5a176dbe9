"""The reader's own account: sign up, confirm the address, profile, data, deletion.

Logging in and out, and changing or resetting a password, are Django's
auth views with our templates (see urls.py).
"""

import json

from django.contrib import messages
from django.contrib.auth import get_user_model, login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from core.rate_limit import rate_limited

from . import self_service
from .forms import DeleteAccountForm, LoginForm, ProfileForm, ResendConfirmationForm, SignupForm
from .tokens import ConfirmationRefused, user_for_confirmation


def _base_url(request):
    return f"{request.scheme}://{request.get_host()}"


class LoginView(auth_views.LoginView):
    """Django's login with our form. Its limits hold in authenticate() (accounts.backends), for the admin's too."""

    authentication_form = LoginForm
    redirect_authenticated_user = True


def _address_asked_for(request):
    return request.POST.get("email", "")


class PasswordResetView(auth_views.PasswordResetView):
    """Django's password reset, limited per IP address and per address asked for."""

    @method_decorator(rate_limited("password_reset_ip"))
    @method_decorator(rate_limited("password_reset_address", key=_address_asked_for))
    def post(self, request, *args, **kwargs):
        return super().post(request, *args, **kwargs)


@require_http_methods(["GET", "POST"])
@rate_limited("signup_ip")
def signup(request):
    if request.user.is_authenticated:
        return redirect("accounts:profile")
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        self_service.confirmation_send(user=user)
        request.session["signup_email"] = user.email
        return redirect("accounts:signup_done")
    return render(request, "accounts/signup_form.html", {"form": form})


@require_GET
def signup_done(request):
    return render(request, "accounts/signup_done.html", {"email": request.session.get("signup_email", "")})


@require_http_methods(["GET", "POST"])
def signup_confirm(request, token):
    """Show the link's verdict on GET; confirm, and log in, on POST (mail scanners only GET)."""
    try:
        user = user_for_confirmation(token)
    except ConfirmationRefused as refused:
        if refused.reason == "done":
            messages.info(request, _("Your address is already confirmed: you can log in."))
            return redirect("accounts:login")
        context = {"reason": refused.reason, "form": ResendConfirmationForm()}
        return render(request, "accounts/signup_confirm_failed.html", context, status=400)
    if request.method == "GET":
        return render(request, "accounts/signup_confirm.html", {"pending_user": user})
    self_service.user_confirm(user=user)
    login(request, user)
    messages.success(request, _("Your address is confirmed and you are logged in. Welcome!"))
    return redirect("accounts:profile")


@require_http_methods(["GET", "POST"])
@rate_limited("signup_ip")
def resend_confirmation(request):
    """Send a new link; the answer is the same whether or not the address has an account."""
    form = ResendConfirmationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.pending_user()
        if user is not None:
            self_service.confirmation_send(user=user)
        request.session["signup_email"] = form.cleaned_data["email"]
        return redirect("accounts:signup_done")
    return render(request, "accounts/resend_confirmation.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def profile(request):
    # A copy: refused values must not reach request.user, which the header shows.
    account = get_user_model().objects.get(pk=request.user.pk)
    form = ProfileForm(request.POST or None, request.FILES or None, instance=account)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your profile is saved."))
        return redirect("accounts:profile")
    return render(request, "accounts/profile.html", {"form": form})


@login_required
@require_GET
def export_data(request):
    """Send the account's data as a JSON file to save."""
    data = self_service.user_export(user=request.user, base_url=_base_url(request))
    response = HttpResponse(
        json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    filename = f"account-data-{timezone.localdate():%Y-%m-%d}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def delete_account(request):
    """Explain both choices on GET; delete on POST with the password."""
    allowed = self_service.can_delete_self(request.user)
    form = DeleteAccountForm(request.POST or None, user=request.user)
    if request.method == "POST" and allowed and form.is_valid():
        self_service.user_delete(user=request.user, comments=form.cleaned_data["comments"])
        logout(request)
        messages.success(request, _("Your account was deleted."))
        return redirect("blog:post_list")
    status = 403 if request.method == "POST" and not allowed else 200
    comment_count = request.user.comments.count()
    return render(
        request,
        "accounts/account_confirm_delete.html",
        {"form": form, "allowed": allowed, "comment_count": comment_count},
        status=status,
    )
