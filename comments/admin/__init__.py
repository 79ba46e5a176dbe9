"""The comments' admin: the moderation desk, which opens on the queue.

Every decision goes through comments.services, so the admin records the
same ModerationEvents as every other door. Actions need the model's
`moderate_comment` permission; staff without it read comments but change
nothing.

- comment.py: CommentAdmin, what it lists, shows and lets change;
- filters.py: the queue's filters;
- columns.py and fields.py: the queue's columns and the comment page's
  read-only fields;
- actions.py: the bulk decisions; views.py: the reply page and the decision
  pages that ask for a reason or a figure; forms.py: their forms;
- subscription.py: the subscriptions' admin (the e-mail ledger's is mail/admin.py).
"""

from .comment import CommentAdmin
from .subscription import SubscriptionAdmin

__all__ = ["CommentAdmin", "SubscriptionAdmin"]
