"""A database migrated before the layering step migrates forward with nothing lost.

Each model that changed app keeps its table and its content type row
(core.model_moves): the test builds the schema as it was before the move,
with a row, a permission granted on the model and an admin log entry about
the row, migrates to the latest migrations, and reads them all back through
today's models.
"""

from dataclasses import dataclass

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks_db.models import DBTaskResult

from accounts.models import User
from mail.tasks import email_send


@dataclass(frozen=True)
class Move:
    model: str
    app_from: str
    app_to: str
    before: tuple[tuple[str, str | None], ...]  # (app, None): the app not migrated yet

    def __str__(self):
        return f"{self.app_from}.{self.model} → {self.app_to}"


def _comment(apps):
    author = apps.get_model("accounts", "User").objects.create(email="ines@example.org", display_name="Inès")
    post = apps.get_model("blog", "Post").objects.create(
        title="Rooms", slug="rooms", author=author, lead="A lead.", body="<p>A body.</p>", status="published"
    )
    return apps.get_model("comments", "Comment").objects.create(
        post=post, status="approved", name="Camille", email="camille@example.org", body="Verdane?"
    )


def mention_row(apps, model):
    organization = apps.get_model("accounts", "Organization").objects.create(name="Verdane", slug="verdane")
    row = model.objects.create(comment=_comment(apps), organization=organization, keywords=["verdane"])
    return row, {"keywords": ["verdane"], "organization_id": organization.pk}


def redirect_row(apps, model):
    author = apps.get_model("accounts", "User").objects.create(email="claire@example.org", display_name="Claire")
    post = apps.get_model("blog", "Post").objects.create(
        title="Hello", slug="hello-world", author=author, lead="Lead", body="<p>Body</p>"
    )
    row = model.objects.create(old_path="/2019/03/hello-world/", post=post)
    return row, {"old_path": "/2019/03/hello-world/", "post_id": post.pk}


def delivery_row(apps, model):
    row = model.objects.create(
        kind="reply", recipient="camille@example.org", key="comment:7", state="sent", message={"template": "t"}
    )
    return row, {"kind": "reply", "recipient": "camille@example.org", "key": "comment:7", "state": "sent"}


def suppression_row(apps, model):
    row = model.objects.create(email="gone@example.org", reason="bounced", note="550 no such user")
    return row, {"email": "gone@example.org", "reason": "bounced", "note": "550 no such user"}


MOVES = {
    Move(
        "mention",
        "accounts",
        "comments",
        (
            ("accounts", "0009_names_refuse_invisible_characters"),
            ("comments", "0010_reports_count_readers_not_sessions"),
            ("mail", None),
        ),
    ): mention_row,
    Move("redirect", "blog", "wordpress", (("blog", "0003_post_co_authors"), ("wordpress", None))): redirect_row,
    Move("delivery", "comments", "mail", (("comments", "0011_mention_from_accounts"), ("mail", None))): delivery_row,
    Move("suppression", "comments", "mail", (("comments", "0011_mention_from_accounts"), ("mail", None))): (
        suppression_row
    ),
}


def migrate(targets=None):
    """Migrate the apps named in `targets` to them, and every other app to its latest; return the state there.

    MigrationExecutor reaches exactly the targets, one app before a move
    while another is past it. (django-test-migrations cuts one linear plan
    instead, which applies a move's first half along with what precedes it.)
    """
    executor = MigrationExecutor(connection)
    held = {app for app, _name in targets or ()}
    targets = [*(targets or ()), *(node for node in executor.loader.graph.leaf_nodes() if node[0] not in held)]
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state([node for node in targets if node[1] is not None])


@pytest.fixture
def migrated_back(transactional_db):
    """The test migrates the database back; it is migrated forward again whatever the outcome."""
    yield
    migrate()


@pytest.mark.parametrize("newcomer", [False, True], ids=["", "new label already created"])
@pytest.mark.parametrize("move", list(MOVES), ids=str)
def test_a_moved_model_keeps_its_rows_permissions_and_log_entries(migrated_back, move, newcomer):
    """`newcomer`: a content type under the new label exists already, as post_migrate makes it when a
    deploy ran the new code's migrate only partly; the old row, which grants and entries point at, wins."""
    old = migrate(list(move.before))
    model = old.apps.get_model(move.app_from, move.model)
    row, values = MOVES[move](old.apps, model)
    content_type = old.apps.get_model("contenttypes", "ContentType").objects.get_or_create(
        app_label=move.app_from, model=move.model
    )[0]
    permission = old.apps.get_model("auth", "Permission").objects.get_or_create(
        content_type=content_type, codename=f"view_{move.model}", defaults={"name": f"Can view {move.model}"}
    )[0]
    moderator = old.apps.get_model("accounts", "User").objects.create(email="mod@example.org", display_name="Mod")
    moderator.user_permissions.add(permission)
    old.apps.get_model("admin", "LogEntry").objects.create(
        user_id=moderator.pk,
        content_type_id=content_type.pk,
        object_id=str(row.pk),
        object_repr="the row",
        action_flag=CHANGE,
        change_message="[]",
        action_time=timezone.now(),
    )

    if newcomer:
        arrived = old.apps.get_model("contenttypes", "ContentType").objects.create(
            app_label=move.app_to, model=move.model
        )
        early = old.apps.get_model("auth", "Permission").objects.create(
            content_type=arrived, codename=f"view_{move.model}", name=f"Can view {move.model}"
        )
        old.apps.get_model("auth", "Group").objects.create(name="Readers").permissions.add(early)

    migrate()

    ContentType.objects.clear_cache()
    moved = ContentType.objects.get(pk=content_type.pk)
    assert (moved.app_label, moved.model) == (move.app_to, move.model)
    assert not ContentType.objects.filter(app_label=move.app_from, model=move.model).exists()
    saved = moved.model_class().objects.get(pk=row.pk)
    assert {field: getattr(saved, field) for field in values} == values
    assert User.objects.get(pk=moderator.pk).has_perm(f"{move.app_to}.view_{move.model}")
    if newcomer:
        assert Group.objects.get(name="Readers").permissions.get().content_type == moved
    entry = LogEntry.objects.get(object_id=str(row.pk), content_type=moved)
    assert entry.get_edited_object() == saved


def test_an_email_waiting_in_the_queue_is_sent_by_the_send_task_at_its_new_place(migrated_back):
    """The send task moved from accounts.emails to mail.tasks; a row the queue held before names the new path."""
    old = migrate([("comments", "0011_mention_from_accounts"), ("mail", None)])
    waiting = old.apps.get_model("django_tasks_database", "DBTaskResult").objects.create(
        task_path="accounts.emails.email_send",
        args_kwargs={"args": [], "kwargs": {"to": ["camille@example.org"], "template": "t", "context": {}}},
        backend_name="default",
        run_after=timezone.now(),
    )

    migrate()

    assert import_string(DBTaskResult.objects.get(pk=waiting.pk).task_path) is email_send
