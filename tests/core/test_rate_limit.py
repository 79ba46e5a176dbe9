"""core.rate_limit: the one decorator every form door is limited by."""

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from core.rate_limit import attempts, rate_limited

calls = []


@pytest.fixture(autouse=True)
def _limits(settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "door": (2, 60)}
    calls.clear()


@rate_limited("door", key=lambda request: request.POST.get("email", ""))
def door(request):
    calls.append(request.method)
    return HttpResponse("open")


def send(method="post", **data):
    return door(getattr(RequestFactory(), method)("/door/", data))


@pytest.mark.django_db
def test_the_view_runs_up_to_the_limit_then_answers_429_with_retry_after():
    answers = [send(email="a@example.org") for _ in range(3)]

    assert [answer.status_code for answer in answers] == [200, 200, 429]
    assert 1 <= int(answers[-1]["Retry-After"]) <= 60
    assert calls == ["POST", "POST"]


@pytest.mark.django_db
def test_each_key_has_its_own_count():
    for _ in range(2):
        send(email="a@example.org")

    assert send(email="b@example.org").status_code == 200
    assert attempts("door", "a@example.org") == 2


def test_reading_the_page_and_sending_without_the_key_count_nothing():
    for _ in range(5):
        send("get")
        send()

    assert attempts("door", "") == 0
    assert calls == ["GET", "POST"] * 5
