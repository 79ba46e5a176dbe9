from django.urls import path

from . import dashboard, posting, views
from .feeds import LatestCommentsFeed, PostCommentsFeed

app_name = "comments"
urlpatterns = [
    path("dashboard/", dashboard.dashboard, name="dashboard"),
    path("post/<slug:slug>/", posting.post_comment, name="post_comment"),
    path("<int:pk>/", views.permalink, name="permalink"),
    path("<int:pk>/report/", views.report, name="report"),
    path("<int:pk>/remove/", views.remove, name="remove"),
    path("feed/", LatestCommentsFeed(), name="feed"),
    path("feed/<slug:slug>/", PostCommentsFeed(), name="post_feed"),
    path("subscription/<str:token>/", views.subscription_confirm, name="subscription_confirm"),
]
