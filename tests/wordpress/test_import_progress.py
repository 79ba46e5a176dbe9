"""The progress line of the import commands."""

from io import StringIO

from django.core.management.base import OutputWrapper

from wordpress.management.commands._import_command import ProgressLine


def test_the_progress_line_is_rewritten_in_place_and_ends_with_a_newline():
    out = StringIO()
    progress = ProgressLine(OutputWrapper(out), interval=0)
    progress(posts=1, posts_total=120, comments=2500, comments_total=20000)
    progress(posts=2, posts_total=120, comments=5000, comments_total=20000)
    progress.close()
    assert out.getvalue() == "\ritems 1/120 · comments 2,500/20,000\ritems 2/120 · comments 5,000/20,000\n"


def test_the_progress_line_is_silent_when_disabled():
    out = StringIO()
    progress = ProgressLine(OutputWrapper(out), interval=0, enabled=False)
    progress(posts=1, posts_total=1, comments=1, comments_total=1)
    progress.close()
    assert out.getvalue() == ""
