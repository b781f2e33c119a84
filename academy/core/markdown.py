"""Markdown for prose written by people: render, sanitise, list headings, inspect links.

Curricula and user texts are rendered by markdown-it ("commonmark" with tables) with raw HTML
off, so a `<script>` typed into a text shows as text. The HTML that comes out is then cleaned
by nh3 against an allow-list for prose all the same: the renderer is not the only thing that
stands between an author and a reader's browser.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from urllib.parse import urlsplit

import nh3
from flask import has_request_context, request
from flask_babel import gettext
from markdown_it import MarkdownIt
from markdown_it.token import Token
from markupsafe import Markup, escape

#: tags that prose may use
ALLOWED_TAGS = {
    *(f"h{level}" for level in range(1, 7)),
    *[
        "p",
        "ul",
        "ol",
        "li",
        "a",
        "strong",
        "em",
        "code",
        "pre",
        "blockquote",
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
        "hr",
        "br",
        "img",
        "span",
        "div",
    ],
}
#: attributes per tag; `class` is handled by ALLOWED_CLASSES
ALLOWED_ATTRIBUTES = {
    **{f"h{level}": {"id"} for level in range(1, 7)},
    "a": {"href", "title"},
    "img": {"src", "alt", "title"},
    "ol": {"start"},
    # the scroll container `render` puts around each table (see _wrap_tables)
    "div": {"tabindex", "role", "aria-label"},
}
#: the only classes that survive, and only on these tags
ALLOWED_CLASSES = {"a": {"external"}, "span": {"visually-hidden"}, "div": {"table-scroll"}}
#: link and image schemes; relative URLs are kept as they are
URL_SCHEMES = {"http", "https", "mailto"}
#: relative links to attachments start with this
ATTACHMENT_PREFIX = "attachments/"


@cache
def _renderer() -> MarkdownIt:
    """The parser for rendering: raw HTML escaped, no autolinking of bare addresses."""
    return MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")


@cache
def _inspector() -> MarkdownIt:
    """A parser for checking texts: sees raw HTML and every link, however dangerous."""
    md = MarkdownIt("commonmark", {"html": True, "linkify": False}).enable("table")
    # markdown-it quietly drops javascript: links; the validator must see them to name them.
    md.validateLink = lambda url: True
    return md


def slugify(text: str) -> str:
    """A stable, ASCII id for a heading: "Hankinnan vaikuttavuus" → "hankinnan-vaikuttavuus"."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "section"


def _plain_text(inline: Token) -> str:
    """The visible text of an inline token, without Markdown markup."""
    return "".join(
        child.content for child in inline.children or () if child.type in ("text", "code_inline")
    )


def _headings(tokens: list[Token]) -> list[tuple[int, str, str, Token]]:
    """(level, unique id, title, heading_open token) for each heading, in document order."""
    seen: dict[str, int] = {}
    found = []
    for index, token in enumerate(tokens):
        if token.type != "heading_open":
            continue
        title = _plain_text(tokens[index + 1])
        base = slugify(title)
        seen[base] = seen.get(base, 0) + 1
        ident = base if seen[base] == 1 else f"{base}-{seen[base]}"
        found.append((int(token.tag[1]), ident, title, token))
    return found


def _is_external(url: str) -> bool:
    """An absolute http(s) URL to another host than the one serving this request."""
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return False
    return not (has_request_context() and parts.netloc.lower() == request.host.lower())


def _external_hint() -> Token:
    """A visually hidden note that tells screen-reader users the link leaves the site."""
    hint = Token("html_inline", "", 0)
    # The locale is chosen per request; outside one (CLI, jobs) English will do.
    text = gettext("external link") if has_request_context() else "external link"
    hint.content = f'<span class="visually-hidden"> ({escape(text)})</span>'
    return hint


def _rewrite_inline(inline: Token, link_base: str | None) -> None:
    """Mark external links and point attachment links at `link_base`."""
    children: list[Token] = []
    external_depth = 0
    for child in inline.children or ():
        if child.type in ("link_open", "image"):
            attr = "href" if child.type == "link_open" else "src"
            url = str(child.attrGet(attr) or "")
            if link_base is not None and url.startswith(ATTACHMENT_PREFIX):
                child.attrSet(attr, link_base + url.removeprefix(ATTACHMENT_PREFIX))
            elif child.type == "link_open" and _is_external(url):
                child.attrJoin("class", "external")
                external_depth += 1
                children.append(child)
                continue
        if child.type == "link_close" and external_depth:
            external_depth -= 1
            children.append(_external_hint())
        children.append(child)
    inline.children = children


def _wrap_tables(tokens: list[Token]) -> list[Token]:
    """Put each table in a container that scrolls sideways when the table is wider than the
    screen, instead of widening the page; it takes keyboard focus so that it can be scrolled
    without a mouse, and is named for screen readers."""
    label = gettext("Table") if has_request_context() else "Table"
    opening = Token("html_block", "", 0)
    opening.content = (
        f'<div class="table-scroll" tabindex="0" role="region" aria-label="{escape(label)}">\n'
    )
    closing = Token("html_block", "", 0)
    closing.content = "</div>\n"
    wrapped: list[Token] = []
    for token in tokens:
        if token.type == "table_open":
            wrapped.append(opening)
        wrapped.append(token)
        if token.type == "table_close":
            wrapped.append(closing)
    return wrapped


def render(text: str | None, link_base: str | None = None, heading_offset: int = 0) -> Markup:
    """Markdown as safe HTML for a page.

    `link_base` (e.g. "/cohorts/x/modules/y/attachments/") replaces the "attachments/" at the
    start of relative links and images, so a module's files are served from its own URL.
    `heading_offset` moves headings down under the page's own: with 1, "#" becomes h2.
    """
    if not text:
        return Markup("")
    md = _renderer()
    env: dict = {}
    tokens = md.parse(text, env)
    for _level, ident, _title, token in _headings(tokens):
        token.attrSet("id", ident)
    if heading_offset:
        for token in tokens:
            if token.type in ("heading_open", "heading_close"):
                token.tag = f"h{min(int(token.tag[1]) + heading_offset, 6)}"
    for token in tokens:
        if token.type == "inline":
            _rewrite_inline(token, link_base)
    tokens = _wrap_tables(tokens)
    html = md.renderer.render(tokens, md.options, env)
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        clean_content_tags={"script", "style"},
        attributes=ALLOWED_ATTRIBUTES,
        allowed_classes=ALLOWED_CLASSES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
    )
    return Markup(cleaned)  # noqa: S704 - cleaned by nh3 against the allow-list above


def toc(text: str | None) -> list[tuple[int, str, str]]:
    """The headings of a text as (level, id, title), with the ids `render` gives them."""
    if not text:
        return []
    return [
        (level, ident, title)
        for level, ident, title, _token in _headings(_renderer().parse(text, {}))
    ]


@dataclass(frozen=True)
class Finding:
    """Something in a Markdown text that a checker may want to refuse."""

    #: "link", "image" or "html"
    kind: str
    #: the URL, or the raw HTML
    value: str
    #: line in the text, counted from 0
    line: int


def _inline_findings(inline: Token) -> list[Finding]:
    """Links, images and raw HTML inside one inline token, each with its own line."""
    findings = []
    line = inline.map[0] if inline.map else 0
    for child in inline.children or ():
        if child.type in ("softbreak", "hardbreak"):
            line += 1
        elif child.type == "link_open":
            findings.append(Finding("link", str(child.attrGet("href") or ""), line))
        elif child.type == "image":
            findings.append(Finding("image", str(child.attrGet("src") or ""), line))
        elif child.type == "html_inline":
            findings.append(Finding("html", child.content, line))
    return findings


def inspect(text: str) -> list[Finding]:
    """Every link, image and piece of raw HTML in a Markdown text, for validators."""
    findings: list[Finding] = []
    for token in _inspector().parse(text, {}):
        if token.type == "html_block":
            findings.append(Finding("html", token.content, token.map[0] if token.map else 0))
        elif token.type == "inline":
            findings.extend(_inline_findings(token))
    return findings


@dataclass(frozen=True)
class Block:
    """A top-level block of a Markdown text, as far as its structure goes (not its words)."""

    #: "heading", "bullets", "numbers", "checklist", "table", "quote", "code" or "rule"
    kind: str
    #: what must match in a translation: heading level, item count, rows × columns
    shape: tuple[int, ...]
    #: line in the text, counted from 0
    line: int

    def describe(self) -> str:
        """The block in an author's words, e.g. "a level-2 heading" or "a table of 4 × 3"."""
        if self.kind == "heading":
            return f"a level-{self.shape[0]} heading"
        if self.kind in ("bullets", "numbers", "checklist"):
            noun = {"bullets": "bulleted list", "numbers": "numbered list"}.get(
                self.kind, "checklist"
            )
            return f"a {noun} of {self.shape[0]} item{'' if self.shape[0] == 1 else 's'}"
        if self.kind == "table":
            return f"a table of {self.shape[0]} rows × {self.shape[1]} columns"
        return {"quote": "a block quote", "code": "a code block", "rule": "a horizontal rule"}[
            self.kind
        ]


_CHECKBOX = re.compile(r"^\[[ xX]\]\s")


def outline(text: str) -> list[Block]:
    """The top-level headings, lists, tables, quotes and code blocks of a text, in order.

    Paragraphs are left out: a translation may split or join sentences, but it keeps the
    sections, checklists, tables and examples of the text it translates.
    """
    tokens = _inspector().parse(text, {})
    blocks: list[Block] = []
    for index, token in enumerate(tokens):
        if token.level != 0 or token.nesting == -1:
            continue
        line = token.map[0] if token.map else 0
        if token.type == "heading_open":
            blocks.append(Block("heading", (int(token.tag[1]),), line))
        elif token.type in ("bullet_list_open", "ordered_list_open"):
            items = [
                tokens[i + 2].content if i + 2 < len(tokens) else ""
                for i in range(index + 1, _close(tokens, index))
                if tokens[i].type == "list_item_open" and tokens[i].level == 1
            ]
            if items and all(_CHECKBOX.match(item) for item in items):
                kind = "checklist"
            else:
                kind = "bullets" if token.type == "bullet_list_open" else "numbers"
            blocks.append(Block(kind, (len(items),), line))
        elif token.type == "table_open":
            end = _close(tokens, index)
            rows = [t for t in tokens[index:end] if t.type == "tr_open"]
            columns = sum(1 for t in tokens[index:end] if t.type == "th_open")
            blocks.append(Block("table", (len(rows), columns), line))
        elif token.type == "blockquote_open":
            blocks.append(Block("quote", (), line))
        elif token.type in ("fence", "code_block"):
            blocks.append(Block("code", (), line))
        elif token.type == "hr":
            blocks.append(Block("rule", (), line))
    return blocks


def _close(tokens: list[Token], index: int) -> int:
    """The index of the token that closes the block opened at `index`."""
    depth = 0
    for i in range(index, len(tokens)):
        depth += tokens[i].nesting
        if depth == 0:
            return i
    return len(tokens)
