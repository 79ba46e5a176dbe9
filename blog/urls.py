from django.urls import path

from . import views
from .feeds import LatestPostsAtomFeed, LatestPostsFeed

app_name = "blog"
urlpatterns = [
    path("", views.PostListView.as_view(), name="post_list"),
    path("posts/<slug:slug>/", views.PostDetailView.as_view(), name="post_detail"),
    path("archive/<int:year>/<int:month>/", views.PostMonthArchiveView.as_view(), name="archive_month"),
    path("feed/", LatestPostsAtomFeed(), name="feed_atom"),
    path("feed/rss/", LatestPostsFeed(), name="feed_rss"),
]
