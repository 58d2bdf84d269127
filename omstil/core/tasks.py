"""Background tasks shared by every app, run by `omstil worker`."""

from django.core.mail import EmailMultiAlternatives
from django.tasks import task


@task(queue_name="email")
def send_email(to: list[str], subject: str, text: str, html: str = "") -> None:
    """Send one e-mail, plain text with an optional HTML alternative, through the default mailer."""
    message = EmailMultiAlternatives(subject=subject, body=text, to=to)
    if html:
        message.attach_alternative(html, "text/html")
    message.send()
