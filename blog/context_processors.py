from django.conf import settings


def site(request):
    """The blog's name and description, for the base template and meta tags."""
    return {"blog_title": settings.BLOG_TITLE, "blog_description": settings.BLOG_DESCRIPTION}
