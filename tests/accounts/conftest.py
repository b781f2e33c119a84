"""Helpers for the accounts tests: links from e-mails, the session cookie."""

from __future__ import annotations

import re

import pytest

LINK = re.compile(r"http://localhost(/\S+)")


@pytest.fixture
def link_in():
    """`link_in(mailbox, address)`: the path of the link in the one e-mail sent to `address`."""

    def _link(mailbox, address: str) -> str:
        messages = mailbox.to(address)
        assert len(messages) == 1, [m["Subject"] for m in mailbox.messages]
        match = LINK.search(mailbox.body(messages[0]))
        assert match, mailbox.body(messages[0])
        return match.group(1)

    return _link
