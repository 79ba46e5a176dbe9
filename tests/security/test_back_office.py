"""The back office leaks nothing: no live link in any admin page staff can read; reset links from SITE_URL.

E-mails of every kind are queued (in the database queue, as in production)
and sent by the worker; then a read-only staff account (every "view"
permission, nothing else) walks every admin page it can reach, and no page
holds a link that opens something, nor a token one of our readers accepts.
"""

import re
from collections import deque
from html import unescape

import pytest
from django.contrib.auth.models import Permission
from django.core import mail, signing
from django.test import Client

from accounts.models import Organization
from comments import services
from comments.models import Comment
from mail import context, links
from mail import tasks as mail_tasks
from mail.models import Delivery
from tests.accounts.factories import make_user
from tests.blog.factories import make_post
from tests.comments.factories import comment_url, form_data
from tests.worker import run_worker

pytestmark = pytest.mark.django_db

# The signed views: a path naming one of them with a token in it is a live link.
SIGNED_LINKS = re.compile(
    r"(?<!/admin)(?:/accounts/signup/confirm/[^/\s\"'<]+/"
    r"|/accounts/organisations/verify/[^/\s\"'<]+/"
    r"|/accounts/password/reset/(?!sent/|done/)[^/\s\"'<]+/[^/\s\"'<]+/"
    r"|/comments/subscription/[^/\s\"'<]+/"
    r"|/comments/unsubscribe/[^/\s\"'<]+/)"
)
# What django.core.signing.dumps makes: payload:timestamp:signature.
SIGNED_TOKEN = re.compile(r"[A-Za-z0-9_.\-]{4,}:[A-Za-z0-9_\-]{4,}:[A-Za-z0-9_\-]{20,}")
SALTS = [
    "accounts.signup-confirmation",
    "accounts.membership-verification",
    "comments.subscription-confirm",
    "comments.unsubscribe",
]


def accepted_tokens(text):
    """The tokens in a text that one of our token readers would accept."""
    found = []
    for candidate in SIGNED_TOKEN.findall(text):
        for salt in SALTS:
            try:
                signing.loads(candidate, salt=salt)
            except signing.BadSignature:
                continue
            found.append(candidate)
    return found


@pytest.fixture
def emails_of_every_kind(database_queue, settings, client):
    """Queue, then send with the worker, one e-mail of each kind that carries a link; return the links sent."""
    settings.NOTIFICATIONS_MODERATOR_EMAILS = ["desk@example.net"]
    client.post(
        "/accounts/signup/",
        {"email": "new@example.org", "display_name": "New", "password1": "a-long-pass", "password2": "a-long-pass"},
    )
    make_user(email="old@example.org")
    client.post("/accounts/password/reset/", {"email": "old@example.org"})
    brand = Organization.objects.create(name="Verdane", slug="verdane", email_domains="verdane.example")
    member = Client()
    member.force_login(make_user(email="lea@example.org"))
    request = {"organization": brand.pk, "role": "Support", "email": "lea@verdane.example"}
    member.post("/accounts/organisations/request/", request)
    post = make_post()
    Client().post(comment_url(post), form_data(notify="replies", email="camille@example.org"))
    run_worker()
    comment = Comment.objects.get()
    services.comment_approve(comment=comment, moderator=make_user(is_staff=True, is_superuser=True))
    run_worker()

    links = [link for message in mail.outbox for link in SIGNED_LINKS.findall(message.body)]
    kinds = {link.split("/")[2] for link in links}
    assert kinds == {"signup", "organisations", "password", "subscription", "unsubscribe"}
    assert Delivery.objects.filter(kind=Delivery.Kind.CONFIRM).exists()
    assert Delivery.objects.filter(kind=Delivery.Kind.PUBLISHED).exists()
    return links


def read_only_staff():
    staff = make_user(email="intern@example.com", is_staff=True)
    staff.user_permissions.set(Permission.objects.filter(codename__startswith="view_"))
    client = Client()
    client.force_login(staff)
    return client


def admin_pages(client, start="/admin/", limit=500):
    """Every admin page reachable by following links from the index, without query strings: (path, status, html)."""
    seen, queue, pages = {start}, deque([start]), []
    while queue and len(pages) < limit:
        path = queue.popleft()
        response = client.get(path)
        html = response.content.decode()
        pages.append((path, response.status_code, html))
        for link in re.findall(r'href="(/admin/[^"#?]*)', html):
            link = unescape(link)
            if link not in seen and "logout" not in link:
                seen.add(link)
                queue.append(link)
    return pages


def test_no_admin_page_a_read_only_staff_member_can_open_holds_a_live_link(emails_of_every_kind):
    sent = emails_of_every_kind
    assert accepted_tokens(" ".join(mail.body for mail in mail.outbox))  # What the scan looks for is there.

    pages = admin_pages(read_only_staff())

    opened = [path for path, status, _html in pages if status == 200]
    assert any(path.startswith("/admin/mail/delivery/") and path.endswith("/change/") for path in opened)
    assert any(path.startswith("/admin/accounts/user/") and path.endswith("/change/") for path in opened)
    for path, _status, html in pages:
        assert SIGNED_LINKS.findall(html) == [], path
        assert accepted_tokens(html) == [], path
        assert [link for link in sent if link.rstrip("/").rsplit("/", 1)[-1] in html] == [], path


def test_the_task_queue_is_for_superusers_only(database_queue):
    make_user(email="old@example.org")
    Client().post("/accounts/password/reset/", {"email": "old@example.org"})
    staff = read_only_staff()
    superuser = Client()
    superuser.force_login(make_user(is_staff=True, is_superuser=True))
    changelist = "/admin/django_tasks_database/dbtaskresult/"

    assert staff.get(changelist).status_code == 403
    assert changelist not in staff.get("/admin/").content.decode()
    assert superuser.get(changelist).status_code == 200
    assert changelist in superuser.get("/admin/").content.decode()


def test_the_queue_holds_what_to_send_not_the_email(database_queue):
    from django_tasks_db.models import DBTaskResult

    make_user(email="old@example.org")
    Client().post("/accounts/password/reset/", {"email": "old@example.org"})
    [queued] = DBTaskResult.objects.all()
    [recorded] = Delivery.objects.all()
    run_worker()

    [message] = mail.outbox
    token = SIGNED_LINKS.search(message.body).group(0).split("/")[-2]
    queued.refresh_from_db()
    recorded.refresh_from_db()
    stored = str(queued.args_kwargs) + str(queued.return_value) + str(recorded.message)
    assert "/accounts/password/reset/" not in stored and token not in stored
    assert queued.args_kwargs["args"] == [recorded.pk]
    assert recorded.message["template"] == "accounts/email/password_reset"
    assert (recorded.kind, recorded.state) == (Delivery.Kind.ACCOUNT, Delivery.State.SENT)


@pytest.mark.parametrize(
    "allowed_hosts, site_url, expected",
    [
        (["*"], "https://blog.example", "https://blog.example/"),  # Any Host accepted, SITE_URL set.
        (["blog.example", "evil.example"], "", "https://blog.example/"),  # Allowed, but not the canonical host.
    ],
)
def test_a_password_reset_link_comes_from_site_url_whatever_host_the_request_names(
    settings, allowed_hosts, site_url, expected
):
    settings.ALLOWED_HOSTS = allowed_hosts
    settings.SITE_URL = site_url
    make_user(email="camille@example.org", display_name="Camille")

    response = Client().post("/accounts/password/reset/", {"email": "camille@example.org"}, HTTP_HOST="evil.example")

    assert response.status_code == 302
    [message] = mail.outbox
    assert "evil.example" not in message.subject + message.body
    [link] = re.findall(r"https?://\S+/accounts/password/reset/\S+/", message.body)
    assert link.startswith(expected + "accounts/password/reset/")


def test_an_email_queued_for_an_account_deleted_meanwhile_is_not_sent(database_queue, client):
    from accounts.models import User

    data = {"email": "gone@example.org", "display_name": "Gone", "password1": "a-long-pass", "password2": "a-long-pass"}
    client.post("/accounts/signup/", data)
    User.objects.filter(email="gone@example.org").delete()

    run_worker()

    assert mail.outbox == []


def test_a_context_holds_plain_values_rows_and_links_only():
    with pytest.raises(TypeError):
        context.context_freeze({"when": object()})
    with pytest.raises(TypeError):
        links.MailLink(str.upper, "not a link maker")


def test_emails_queued_or_claimed_before_the_change_are_still_sent_then_forgotten(database_queue):
    from comments import tasks

    rendered = {"subject": "Old", "body": "Old body", "html": "", "headers": {}}
    mail_tasks.email_send.enqueue(to=["old@example.org"], **rendered)
    run_worker()
    assert [message.subject for message in mail.outbox] == ["Old"]

    row = Delivery.objects.create(
        kind=Delivery.Kind.PUBLISHED, recipient="dora@example.org", key="comment:1", state=Delivery.State.SENDING
    )
    Delivery.objects.filter(pk=row.pk).update(message=rendered, created_at=row.created_at.replace(year=2000))
    assert tasks.periodic_run()["resumed"] == 1
    run_worker()
    row.refresh_from_db()
    assert row.state == Delivery.State.SENT and row.message == {}
