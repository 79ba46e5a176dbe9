"""The people and threads the browser tests need, made with the apps' own factories and services."""

from datetime import timedelta

from django.utils import timezone

from accounts.models import Organization
from accounts.services import membership_request, membership_verify
from comments.models import Status
from tests.accounts.factories import make_user
from tests.blog.factories import image_upload, make_post
from tests.comments.factories import make_comment

PASSWORD = "a-long-test-password"  # noqa: S105 - typed into the login forms by the tests


def make_blog_author():
    """The blog's author: staff, and allowed to moderate (the admin's queue and replies)."""
    return make_user(
        email="claire@example.com",
        display_name="Claire Martel",
        password=PASSWORD,
        is_staff=True,
        is_superuser=True,
    )


def make_representative(*, verified_by):
    """Léa, whose membership of Maison Verdane the blog verified: she may answer under its badge."""
    organization = Organization.objects.create(
        name="Maison Verdane", slug="maison-verdane", website="https://verdane.example", email_domains="verdane.example"
    )
    representative = make_user(email="lea@verdane.example", display_name="Léa Fournier", password=PASSWORD)
    membership = membership_request(user=representative, organization=organization, role="Community manager")
    membership_verify(membership=membership, by=verified_by, note="checked by phone")
    return representative, organization


def make_thread_post(author):
    """A post with a small public thread: a question, the author's answer, and a reader's comment."""
    post = make_post(
        author=author,
        title="Répondre à un client mécontent",
        slug="repondre-a-un-client-mecontent",
        lead="Cinq règles pour répondre en public.",
        body="<p>Répondre vite, signer de son nom, remercier.</p>",
        published_at=timezone.now() - timedelta(days=3),
        cover_alt="Des cercles clairs sur un fond dégradé.",
    )
    post.set_cover(image_upload(size=(640, 360)))
    post.save()
    hours_ago = iter(range(48, 0, -4))

    def public(**fields):
        moment = timezone.now() - timedelta(hours=next(hours_ago))
        return make_comment(post=post, status=Status.APPROVED, publish_at=moment, published_at=moment, **fields)

    question = public(name="Sofiane", email="sofiane@example.net", body="Et quand le client a tort ?")
    public(
        user=author,
        name=author.display_name,
        email=author.email,
        parent=question,
        body="On lui explique, poliment, avec les faits.",
    )
    public(name="Julien R.", email="julien@example.org", body="Très juste sur la signature.")
    return post
