"""academy.core.markdown: safe HTML from Markdown, heading ids, link rewriting, inspection."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from markupsafe import Markup

from academy.core import markdown
from academy.core.markdown import inspect, render, slugify, toc


class _Elements(HTMLParser):
    """Collects (tag, attributes) of every start tag in a fragment."""

    def __init__(self):
        super().__init__()
        self.elements: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))

    def handle_startendtag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))


def elements(html: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = _Elements()
    parser.feed(html)
    return parser.elements


XSS_PAYLOADS = [
    "<script>alert(1)</script>",
    "Text <script>alert(1)</script> inline",
    "<img src=x onerror=alert(1)>",
    "[x](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    "[x](&#106;avascript:alert(1))",
    "<javascript:alert(1)>",
    '<a href="data:text/html,<script>alert(1)</script>">x</a>',
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    "<svg onload=alert(1)>",
    '<iframe src="https://evil.example"></iframe>',
    "[x](vbscript:msgbox(1))",
    '[x](https://example.org "title" onmouseover="alert(1)")',
]


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_rendered_markdown_carries_no_script_handler_or_dangerous_url(payload):
    html = str(render(f"# Otsikko\n\n{payload}\n"))

    for tag, attributes in elements(html):
        assert tag not in ("script", "svg", "iframe", "object", "embed", "style")
        for name, value in attributes.items():
            assert not name.startswith("on"), html
            if name in ("href", "src"):
                assert (
                    not (value or "")
                    .strip()
                    .lower()
                    .startswith(("javascript:", "data:", "vbscript:"))
                ), html


def test_raw_html_is_shown_as_text():
    html = render("<b>bold?</b>")

    assert "&lt;b&gt;bold?&lt;/b&gt;" in html
    assert "<b>" not in html


def test_render_returns_markup_and_handles_empty_text():
    assert isinstance(render("*x*"), Markup)
    assert render("") == ""
    assert render(None) == ""


def test_prose_elements_and_tables_survive_sanitising():
    html = str(
        render(
            "## Osa\n\n**vahva** *kallis* `koodi`\n\n> lainaus\n\n1. yksi\n2. kaksi\n\n"
            "| A | B |\n|---|---|\n| 1 | 2 |\n\n---\n\n![kuva](https://example.org/k.png)\n"
        )
    )

    tags = {tag for tag, _ in elements(html)}
    assert {"h2", "strong", "em", "code", "blockquote", "ol", "li", "table", "thead"} <= tags
    assert {"tbody", "tr", "th", "td", "hr", "img"} <= tags


def test_headings_get_stable_unique_ids_and_make_a_table_of_contents():
    text = "# Hankinnan vaikuttavuus\n\n## Mitä **opimme**?\n\n## Mitä opimme?\n"

    html = str(render(text))

    assert '<h1 id="hankinnan-vaikuttavuus">' in html
    assert '<h2 id="mita-opimme">' in html
    assert '<h2 id="mita-opimme-2">' in html
    assert toc(text) == [
        (1, "hankinnan-vaikuttavuus", "Hankinnan vaikuttavuus"),
        (2, "mita-opimme", "Mitä opimme?"),
        (2, "mita-opimme-2", "Mitä opimme?"),
    ]


def test_slugify_keeps_ascii_letters_and_digits():
    assert slugify("Åbo & Östra 2026!") == "abo-ostra-2026"
    assert slugify("???") == "section"


def test_external_links_are_marked_for_everyone():
    html = str(render("[Hankintakeino](https://www.hankintakeino.fi/)"))

    (link,) = [attrs for tag, attrs in elements(html) if tag == "a"]
    assert link["class"] == "external"
    assert link["rel"] == "noopener noreferrer"
    assert '<span class="visually-hidden"> (external link)</span></a>' in html


def test_relative_and_mail_links_are_not_external():
    html = str(render("[liite](attachments/a.pdf) [posti](mailto:a@example.org) [osa](#osa)"))

    assert "external" not in html
    assert 'href="mailto:a@example.org"' in html
    assert 'href="#osa"' in html


def test_links_to_this_site_are_not_external(app):
    with app.test_request_context("/", base_url="https://academy.example.org"):
        html = str(render("[etusivu](https://academy.example.org/cohorts)"))

    assert "external" not in html


def test_attachment_links_and_images_follow_link_base():
    text = "[pohja](attachments/pohja%20v2.xlsx) ![kaavio](attachments/kaavio.png) [muu](muu.md)"

    html = str(render(text, link_base="/cohorts/c/modules/m/attachments/"))

    assert 'href="/cohorts/c/modules/m/attachments/pohja%20v2.xlsx"' in html
    assert 'src="/cohorts/c/modules/m/attachments/kaavio.png"' in html
    assert 'href="muu.md"' in html


def test_attachment_links_stay_relative_without_link_base():
    assert 'href="attachments/a.pdf"' in str(render("[a](attachments/a.pdf)"))


def test_inspect_finds_raw_html_and_every_link_with_its_line():
    text = "Alku\n\n<script>alert(1)</script>\n\nrivi [a](javascript:x)\nja <b>b</b> ![k](data:x)\n"

    found = [(f.kind, f.value, f.line) for f in inspect(text)]

    assert found == [
        ("html", "<script>alert(1)</script>\n", 2),
        ("link", "javascript:x", 4),
        ("html", "<b>", 5),
        ("html", "</b>", 5),
        ("image", "data:x", 5),
    ]


def test_heading_offset_moves_headings_under_the_page_heading():
    html = str(render("# Otsikko\n\n## Alaotsikko\n\n###### Pienin"))
    moved = str(render("# Otsikko\n\n## Alaotsikko\n\n###### Pienin", heading_offset=1))
    assert '<h1 id="otsikko">' in html
    assert '<h2 id="otsikko">' in moved
    assert '<h3 id="alaotsikko">' in moved
    assert "<h6" in moved and "<h7" not in moved


# --- outline (the structure translations must keep) --------------------------------------


def test_outline_lists_headings_lists_tables_and_quotes_with_their_shape():
    text = (
        "# Otsikko\n\nKappale.\n\n## Osa\n\n- yksi\n- kaksi\n\n1. a\n2. b\n3. c\n\n"
        "- [ ] tehty\n- [x] tekemättä\n\n| a | b |\n| --- | --- |\n| 1 | 2 |\n| 3 | 4 |\n\n"
        "> **Pohdittavaksi:** miksi?\n\n---\n"
    )

    blocks = markdown.outline(text)

    assert [(b.kind, b.shape, b.line) for b in blocks] == [
        ("heading", (1,), 0),
        ("heading", (2,), 4),
        ("bullets", (2,), 6),
        ("numbers", (3,), 9),
        ("checklist", (2,), 13),
        ("table", (3, 2), 16),
        ("quote", (), 21),
        ("rule", (), 23),
    ]
    assert [b.describe() for b in blocks[2:6]] == [
        "a bulleted list of 2 items",
        "a numbered list of 3 items",
        "a checklist of 2 items",
        "a table of 3 rows × 2 columns",
    ]


def test_outline_counts_top_level_items_only_and_ignores_paragraphs():
    text = "Yksi kappale.\n\nToinen.\n\n- a\n  - a1\n  - a2\n- b\n"

    assert [(b.kind, b.shape) for b in markdown.outline(text)] == [("bullets", (2,))]


def test_tables_scroll_in_a_named_focusable_container_instead_of_widening_the_page():
    html = render("| Taso | Kuvaus |\n| --- | --- |\n| 1 | Hajanainen |\n\nTeksti.")

    assert html.startswith(
        '<div class="table-scroll" tabindex="0" role="region" aria-label="Table">\n<table>'
    )
    assert "</table>\n</div>\n<p>Teksti.</p>" in html


def test_a_container_typed_by_an_author_stays_text():
    html = render('<div class="table-scroll" tabindex="0" onclick="alert(1)">x</div>')

    assert "<div" not in html and "&lt;div" in html
