"""Outgoing e-mail: SMTP in production and tests, the log in development."""

from __future__ import annotations

import logging
import smtplib
from email.message import EmailMessage

from flask import current_app, render_template
from flask_babel import force_locale

log = logging.getLogger("academy.mail")


def send(to: str, subject: str, template: str, locale: str = "fi", **context) -> EmailMessage:
    """Render `templates/<template>.txt` in the recipient's language and send it."""
    with force_locale(locale):
        body = render_template(f"{template}.txt", **context)
        subject = str(subject)
    message = EmailMessage()
    message["From"] = current_app.config["MAIL_SENDER"]
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)
    deliver(message)
    return message


def deliver(message: EmailMessage) -> None:
    """Hand the message to SMTP, or write it to the log when MAIL_BACKEND is "log"."""
    config = current_app.config
    if config["MAIL_BACKEND"] == "log":
        log.info("E-mail to %s: %s\n%s", message["To"], message["Subject"], message.get_content())
        return
    with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=10) as smtp:
        if config["MAIL_USE_TLS"]:
            smtp.starttls()
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        smtp.send_message(message)
