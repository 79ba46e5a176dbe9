from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy
from django.views.generic import RedirectView

from . import verification_views, views
from .forms import QueuedPasswordResetForm

app_name = "accounts"

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("organisations/", verification_views.memberships, name="memberships"),
    path("organisations/request/", verification_views.verification_request, name="verification_request"),
    path("organisations/verify/<str:token>/", verification_views.verification_link, name="verification_link"),
    # The dashboard moved to comments (it lists comments); old links and e-mails still arrive.
    path("dashboard/", RedirectView.as_view(pattern_name="comments:dashboard", permanent=True)),
    path("signup/", views.signup, name="signup"),
    path("signup/sent/", views.signup_done, name="signup_done"),
    path("signup/confirm/<str:token>/", views.signup_confirm, name="signup_confirm"),
    path("signup/resend/", views.resend_confirmation, name="resend_confirmation"),
    path("profile/", views.profile, name="profile"),
    path("profile/data/", views.export_data, name="export_data"),
    path("profile/delete/", views.delete_account, name="delete_account"),
    path(
        "password/change/",
        auth_views.PasswordChangeView.as_view(success_url=reverse_lazy("accounts:password_change_done")),
        name="password_change",
    ),
    path("password/change/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path(
        "password/reset/",
        views.PasswordResetView.as_view(
            form_class=QueuedPasswordResetForm,
            success_url=reverse_lazy("accounts:password_reset_done"),
        ),
        name="password_reset",
    ),
    path("password/reset/sent/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "password/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(success_url=reverse_lazy("accounts:password_reset_complete")),
        name="password_reset_confirm",
    ),
    path("password/reset/done/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
]
