"""Mounted under /comments/ by config.urls: unsubscribe links in e-mails already sent point there."""

from django.urls import path

from . import views

app_name = "mail"

urlpatterns = [
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
