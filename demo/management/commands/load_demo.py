"""Load the demo blog: an author, a co-author, a moderator, posts in French with generated covers, threads.

Everything here is invented for the demo. Running the command again changes
nothing: posts are found by slug, people by e-mail, comments by their text.
"""

import io
import random
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageDraw

from accounts.models import Membership, Organization, User
from accounts.services import membership_request, membership_verify
from blog.models import Post
from comments.models import Comment, ModerationEvent
from core import images

from ._demo_content import AUTHOR, BRAND, BRAND_REPRESENTATIVE, CO_AUTHOR, MODERATOR, POSTS

DEMO_PASSWORD = "demo-password"  # noqa: S105 - printed for the local demo, refused when DEBUG is off


def cover_image(seed, size=(1600, 900)):
    """Draw an abstract cover: a two-colour gradient and a few soft circles."""
    rng = random.Random(seed)  # noqa: S311 - pictures, not secrets
    top = tuple(rng.randint(40, 200) for _ in range(3))
    bottom = tuple(rng.randint(120, 250) for _ in range(3))
    image = Image.new("RGB", size, top)
    draw = ImageDraw.Draw(image)
    for y in range(size[1]):
        mix = y / size[1]
        draw.line(
            [(0, y), (size[0], y)], fill=tuple(round(t + (b - t) * mix) for t, b in zip(top, bottom, strict=True))
        )
    for _ in range(7):
        radius = rng.randint(60, 260)
        x, y = rng.randint(0, size[0]), rng.randint(0, size[1])
        colour = tuple(rng.randint(180, 255) for _ in range(3))
        draw.ellipse([x - radius, y - radius, x + radius, y + radius], outline=colour, width=rng.randint(4, 14))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return ContentFile(buffer.getvalue(), name=f"demo-{seed}.png")


class Command(BaseCommand):
    help = "Create the demo blog (author, posts, comment threads). Safe to run again."

    def handle(self, *args, **options):
        now = timezone.now()
        with transaction.atomic():
            author = self.person(AUTHOR, is_staff=True, is_superuser=True)
            brand_rep = self.person(BRAND_REPRESENTATIVE)
            brand = self.organization(BRAND, brand_rep, author)
            people = {
                "author": author,
                "co_author": self.person(CO_AUTHOR),
                "moderator": self.moderator(MODERATOR),
                "brand": brand_rep,
            }
            self.brand = brand
            created = 0
            for spec in POSTS:
                post, is_new = self.post(spec, author, now, people)
                created += is_new
                for comment_spec in spec.get("comments", []):
                    self.comment(post, comment_spec, people, now, parent=None)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo ready: {Post.objects.count()} posts ({created} new), {Comment.objects.count()} comments."
            )
        )
        if settings.DEBUG:
            self.stdout.write(f"Admin: http://127.0.0.1:8000/admin/  {AUTHOR['email']} / {DEMO_PASSWORD}")

    def person(self, spec, **flags):
        user, created = User.objects.get_or_create(
            email=spec["email"], defaults={"display_name": spec["display_name"], "bio": spec.get("bio", ""), **flags}
        )
        if created:
            # A known password only where it cannot be reached from outside.
            if settings.DEBUG:
                user.set_password(DEMO_PASSWORD)
            else:
                user.set_unusable_password()
            user.save()
        return user

    def moderator(self, spec):
        """A staff account in the "Modérateurs" group: it moderates comments, and wears no badge for it."""
        moderators, _ = Group.objects.get_or_create(name="Modérateurs")
        moderators.permissions.add(
            *Permission.objects.filter(
                content_type__app_label="comments", codename__in=["view_comment", "change_comment", "moderate_comment"]
            )
        )
        user = self.person(spec, is_staff=True)
        user.groups.add(moderators)
        return user

    def organization(self, spec, representative, verifier):
        """The demo brand, with its representative verified by the author (once)."""
        organization, created = Organization.objects.get_or_create(
            slug=spec["slug"],
            defaults={key: spec[key] for key in ("name", "website", "email_domains", "keywords")},
        )
        if created:
            organization.logo = images.reencode(cover_image(spec["slug"], size=(256, 256)), max_size=(256, 256))
            organization.save()
        membership = membership_request(user=representative, organization=organization, role=spec["role"])
        if membership.status != Membership.Status.VERIFIED:
            membership_verify(
                membership=membership, by=verifier, note="Vérifiée par téléphone auprès de la marque (démo)."
            )
        return organization

    def post(self, spec, author, now, people):
        post = Post.objects.filter(slug=spec["slug"]).first()
        if post:
            return post, False
        post = Post(
            slug=spec["slug"],
            title=spec["title"],
            author=author,
            lead=spec["lead"],
            body=spec["body"],
            cover_alt=spec.get("cover_alt", ""),
            status=spec.get("status", Post.Status.PUBLISHED),
            published_at=now + timedelta(days=spec["days"]),
        )
        post.set_cover(cover_image(spec["slug"]))
        post.save()
        post.co_authors.set([people[who] for who in spec.get("co_authors", [])])
        return post, True

    def comment(self, post, spec, people, now, parent):
        user = people.get(spec.get("as"))
        name = user.display_name if user else spec["name"]
        created_at = post.published_at + timedelta(hours=spec["hours"])
        status = spec.get("status", Comment.Status.APPROVED)
        publish_at = {
            Comment.Status.APPROVED: created_at,
            Comment.Status.PENDING: created_at + settings.COMMENTS_PUBLICATION_DELAY,
        }.get(status)
        comment, created = Comment.objects.get_or_create(
            post=post,
            name=name,
            body=spec["body"],
            defaults={
                "parent": parent,
                "user": user,
                "organization": self.brand if spec.get("as") == "brand" else None,
                "email": user.email if user else spec.get("email", ""),
                "website": spec.get("website", ""),
                "status": status,
                "publish_at": publish_at,
                "published_at": publish_at if status == Comment.Status.APPROVED else None,
                # The demo's history is old news: only what goes public later is announced by e-mail.
                "announced_at": now if publish_at is not None and publish_at <= now else None,
                "reasons": spec.get("reasons", []),
                "created_at": created_at,
            },
        )
        if created:
            ModerationEvent.objects.create(
                comment=comment,
                source=ModerationEvent.Source.POLICY,
                to_status=status,
                reasons=comment.reasons,
                created_at=created_at,
            )
        for reply in spec.get("replies", []):
            self.comment(post, reply, people, now, parent=comment)
        return comment
