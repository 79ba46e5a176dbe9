"""Replies nested deeper than BLOG_IMPORT_MAX_DEPTH, or XML deeper than any export, are refused whole and early."""

import tracemalloc
from io import StringIO

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from accounts.models import User
from blog.models import Post
from comments.models import Comment
from tests.accounts.factories import make_user
from tests.blog.factories import make_post
from tests.wordpress.wxr_factory import write_disqus_chain, write_nested_elements, write_reply_chain
from wordpress.disqus import DisqusError, import_disqus
from wordpress.importer import import_wxr
from wordpress.reader import WxrError

pytestmark = pytest.mark.django_db


def write(path, writer, **options):
    with path.open("w", encoding="utf-8") as stream:
        writer(stream, **options)
    return path


def refusal_peak(run, error_class):
    """The refusal's message and the peak of Python allocations until it came, in bytes."""
    tracemalloc.start()
    try:
        with pytest.raises(error_class) as refused:
            run()
        return str(refused.value), tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def nothing_imported():
    return (Post.objects.count(), Comment.objects.count(), User.objects.count()) == (0, 0, 0)


def depth(comment):
    levels = 0
    while comment.parent_id:
        comment, levels = comment.parent, levels + 1
    return levels


@pytest.mark.parametrize("reverse", [False, True])
def test_a_chain_at_the_limit_is_imported_and_one_level_deeper_refused_whole(settings, tmp_path, reverse):
    settings.BLOG_IMPORT_MAX_DEPTH = 20
    import_wxr(write(tmp_path / "chain.xml", write_reply_chain, levels=21, reverse=reverse))
    assert Comment.objects.count() == 21
    assert depth(Comment.objects.get(name="Lecteur 21")) == 20
    Post.objects.all().delete()
    User.objects.all().delete()
    path = write(tmp_path / "deeper.xml", write_reply_chain, levels=22, reverse=reverse)
    with pytest.raises(WxrError, match=r"replies nested more than 20 levels deep"):
        import_wxr(path)
    assert nothing_imported()


@pytest.mark.parametrize("reverse", [False, True])
def test_thousands_of_levels_are_refused_while_streaming(tmp_path, reverse):
    """The default limit (1,000): a chain 30 times longer costs no more memory than one 3 times longer."""
    shorter = write(tmp_path / "shorter.xml", write_reply_chain, levels=3_000, reverse=reverse)
    longer = write(tmp_path / "longer.xml", write_reply_chain, levels=30_000, reverse=reverse)
    message, shorter_peak = refusal_peak(lambda: import_wxr(shorter), WxrError)
    assert "more than 1000 levels deep" in message
    _message, longer_peak = refusal_peak(lambda: import_wxr(longer), WxrError)
    assert longer_peak < 2 * shorter_peak
    assert longer_peak < longer.stat().st_size / 5
    assert nothing_imported()


def test_elements_nested_deeper_than_any_export_are_refused_while_streaming(tmp_path):
    """The parser reads 16 KiB at a time: past one such read, a file 20 times deeper costs no more.

    Kept whole, 400,000 nested elements would take well over 50 MB.
    """
    shorter = write(tmp_path / "shorter.xml", write_nested_elements, levels=20_000)
    longer = write(tmp_path / "longer.xml", write_nested_elements, levels=400_000)
    message, shorter_peak = refusal_peak(lambda: import_wxr(shorter), WxrError)
    assert "nested more than 100 levels deep" in message
    _message, longer_peak = refusal_peak(lambda: import_wxr(longer), WxrError)
    assert longer_peak < 2 * shorter_peak
    assert longer_peak < 10 * 1024 * 1024
    assert nothing_imported()


def test_the_command_refuses_a_deep_thread_and_says_why(settings, tmp_path):
    settings.BLOG_IMPORT_MAX_DEPTH = 5
    path = write(tmp_path / "chain.xml", write_reply_chain, levels=7)
    with pytest.raises(CommandError, match=r"more than 5 levels deep.*Nothing was imported"):
        call_command("import_wxr", str(path), stdout=StringIO(), stderr=StringIO())
    assert nothing_imported()


def test_the_admin_refuses_a_deep_thread_and_says_why(client, settings, tmp_path):
    settings.BLOG_IMPORT_MAX_DEPTH = 5
    user = make_user(is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(codename__in=["add_post", "moderate_comment"]))
    client.force_login(user)
    path = write(tmp_path / "chain.xml", write_reply_chain, levels=7)
    upload = SimpleUploadedFile("chain.xml", path.read_bytes())
    response = client.post("/admin/blog/post/import/", {"kind": "wordpress", "file": upload})
    assert "This file cannot be imported" in response.text and "more than 5 levels deep" in response.text
    assert not Post.objects.exists() and not Comment.objects.exists()


# -- Disqus ------------------------------------------------------------------------


@pytest.mark.parametrize("reverse", [False, True])
def test_a_disqus_chain_at_the_limit_is_imported_and_one_deeper_refused(settings, tmp_path, reverse):
    settings.BLOG_IMPORT_MAX_DEPTH = 20
    post = make_post(slug="ici")
    link = "https://carnet.example/posts/ici/"
    import_disqus(write(tmp_path / "ok.xml", write_disqus_chain, levels=21, link=link, reverse=reverse))
    assert post.comments.count() == 21
    Comment.objects.all().delete()
    deeper = write(tmp_path / "deep.xml", write_disqus_chain, levels=22, link=link, reverse=reverse)
    with pytest.raises(DisqusError, match=r"more than 20 levels deep"):
        import_disqus(deeper)
    assert not Comment.objects.exists()


def test_a_disqus_reply_counts_the_levels_an_earlier_import_left_here(settings, tmp_path):
    """A Disqus reply finds its parent among comments imported before: the thread here counts."""
    settings.BLOG_IMPORT_MAX_DEPTH = 20
    make_post(slug="ici")
    link = "https://carnet.example/posts/ici/"
    import_disqus(write(tmp_path / "first.xml", write_disqus_chain, levels=21, link=link))
    before = Comment.objects.count()
    later = write(tmp_path / "later.xml", write_disqus_chain, levels=22, first=22, link=link)
    with pytest.raises(DisqusError, match=r"more than 20 levels deep"):
        import_disqus(later)
    assert Comment.objects.count() == before


@pytest.mark.parametrize("reverse", [False, True])
def test_thousands_of_disqus_levels_are_refused_while_streaming(tmp_path, reverse):
    link = "https://carnet.example/posts/ici/"
    shorter = write(tmp_path / "shorter.xml", write_disqus_chain, levels=3_000, link=link, reverse=reverse)
    longer = write(tmp_path / "longer.xml", write_disqus_chain, levels=30_000, link=link, reverse=reverse)
    message, shorter_peak = refusal_peak(lambda: import_disqus(shorter), DisqusError)
    assert "more than 1000 levels deep" in message
    _message, longer_peak = refusal_peak(lambda: import_disqus(longer), DisqusError)
    assert longer_peak < 2 * shorter_peak
    assert longer_peak < longer.stat().st_size / 5


def test_disqus_elements_nested_deeper_than_any_export_are_refused(tmp_path):
    path = tmp_path / "nested.xml"
    path.write_text(
        '<disqus xmlns="http://disqus.com">' + "<x>" * 5_000 + "</x>" * 5_000 + "</disqus>", encoding="utf-8"
    )
    with pytest.raises(DisqusError, match="nested more than 100 levels deep"):
        import_disqus(path)
