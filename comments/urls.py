from django.urls import path

from . import views
from .feeds import LatestCommentsFeed

app_name = "comments"
urlpatterns = [
    path("<int:pk>/", views.permalink, name="permalink"),
    path("<int:pk>/report/", views.report, name="report"),
    path("<int:pk>/remove/", views.remove, name="remove"),
    path("feed/", LatestCommentsFeed(), name="feed"),
]
