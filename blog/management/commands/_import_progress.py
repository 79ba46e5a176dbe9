"""The progress line of the import commands: one line on stderr, rewritten in place."""

import time


class ProgressLine:
    """Write 'posts 12/130 · comments 4,500/20,000' at most every `interval` seconds, then a final newline."""

    def __init__(self, stream, *, interval=0.2, enabled=True):
        self.stream = stream
        self.interval = interval
        self.enabled = enabled
        self.last = 0.0
        self.shown = False

    def __call__(self, *, posts, posts_total, comments, comments_total):
        now = time.monotonic()
        if not self.enabled or now - self.last < self.interval:
            return
        self.last = now
        self.shown = True
        self.stream.write(f"\ritems {posts:,}/{posts_total:,} · comments {comments:,}/{comments_total:,}", ending="")
        self.stream.flush()

    def close(self):
        if self.shown:
            self.stream.write("")
