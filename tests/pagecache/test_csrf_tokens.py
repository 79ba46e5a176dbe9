"""The cached page's CSRF tokens are Django's own, made faster."""

from collections import Counter

from django.middleware.csrf import CSRF_ALLOWED_CHARS, _unmask_cipher_token

from pagecache import csrf_tokens


def test_a_reader_without_a_cookie_gets_a_new_secret_and_a_token_for_it(rf):
    request = rf.get("/")

    token = csrf_tokens.get_token(request)

    secret = request.META["CSRF_COOKIE"]
    assert len(secret) == 32
    assert set(secret) <= set(CSRF_ALLOWED_CHARS)
    assert request.META["CSRF_COOKIE_NEEDS_UPDATE"]
    assert len(token) == 64
    assert _unmask_cipher_token(token) == secret


def test_a_reader_with_a_secret_keeps_it_under_a_new_mask_each_time(rf):
    request = rf.get("/")
    request.META["CSRF_COOKIE"] = "k" * 32

    first, second = csrf_tokens.get_token(request), csrf_tokens.get_token(request)

    assert request.META["CSRF_COOKIE"] == "k" * 32
    assert first != second
    assert _unmask_cipher_token(first) == _unmask_cipher_token(second) == "k" * 32


def test_every_character_is_drawn_about_as_often():
    drawn = Counter("".join(csrf_tokens.random_string() for _ in range(2000)))

    assert set(drawn) == set(CSRF_ALLOWED_CHARS)
    # 64,000 draws over 62 characters: about 1,032 each; a character the
    # modulo favoured would come about 1,290 times.
    assert max(drawn.values()) < 1200
    assert min(drawn.values()) > 870
