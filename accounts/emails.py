"""The e-mails the accounts app sends, each a pair of templates: <name>_subject.txt and <name>_body.txt."""

from django.core.mail import send_mail
from django.template.loader import render_to_string


def mail_send(*, template, context, to):
    """Render a subject and body from `template` and send them to one address.

    The subject is kept on one line: a header cannot hold a line break.
    """
    subject = render_to_string(f"{template}_subject.txt", context)
    body = render_to_string(f"{template}_body.txt", context)
    send_mail(" ".join(subject.split()), body, None, [to])
