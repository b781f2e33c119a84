"""Parity of translations: what exists in Finnish exists, with the same structure, in the
languages a programme declares.

Finnish is a curriculum's source language. For Swedish and English, programme.yaml says
whether the translation is "complete" or "partial" (`schema.Languages`). A module body, a list
of objectives, an assignment's instructions or a rubric level's description that exists in
Finnish but not in a declared language is reported at the line of the Finnish text: as an
error when the language is declared complete (the curriculum cannot be imported), as a warning
when it is partial (readers see the Finnish text meanwhile). A translation whose Markdown
structure differs from the Finnish (another number of sections, list items, checklist items,
table rows or examples in block quotes) is reported in the same way, at the line of the
translation where the structures part, so that a translation cannot silently lose a section.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from academy.core import markdown
from academy.programmes import schema

if TYPE_CHECKING:  # the loader imports this module
    from academy.programmes.loader import ModuleSource, _Checker

LANGUAGE_NAMES = {"fi": "Finnish", "sv": "Swedish", "en": "English"}

Report = Callable[[str, int, str], None]


def check_module(checker: _Checker, module: ModuleSource, languages: schema.Languages) -> None:
    """Report every Finnish text of a module that a declared language lacks or shapes
    differently."""
    for lang in schema.TRANSLATIONS:
        complete = getattr(languages, lang) == "complete"
        report: Report = checker.add if complete else checker.warn
        _check_body(report, module, lang)
        _check_front(report, module, lang)


def _check_body(report: Report, module: ModuleSource, lang: str) -> None:
    name = LANGUAGE_NAMES[lang]
    translation_file = module.file.removesuffix(".md") + f".{lang}.md"
    if lang not in module.bodies:
        report(
            module.file,
            module.body_lines["fi"],
            f"no {name} body: {translation_file} is missing",
        )
        return
    compare(
        report,
        module.bodies["fi"],
        (module.file, module.body_lines["fi"]),
        module.bodies[lang],
        (translation_file, module.body_lines[lang]),
        f"the {name} body",
        name,
    )


def _check_front(report: Report, module: ModuleSource, lang: str) -> None:
    name = LANGUAGE_NAMES[lang]
    front, document, rel = module.front, module.front_yaml, module.file
    assert document is not None
    objectives = getattr(front.objectives, lang)
    if objectives is None:
        report(rel, document.line(("objectives",)), f"no {name} objectives")
    elif len(objectives) != len(front.objectives.fi):
        report(
            rel,
            document.line(("objectives", lang)),
            f"{len(objectives)} {name} objectives for {len(front.objectives.fi)} Finnish ones",
        )
    for a, assignment in enumerate(front.assignments):
        where = f"assignment '{assignment.slug}'"
        text = getattr(assignment.instructions, lang)
        if text is None:
            report(
                rel,
                document.line(("assignments", a, "instructions")),
                f"{where}: no {name} instructions",
            )
        else:
            compare(
                report,
                assignment.instructions.fi,
                (rel, document.text_line(("assignments", a, "instructions", "fi"))),
                text,
                (rel, document.text_line(("assignments", a, "instructions", lang))),
                f"the {name} instructions of {where}",
                name,
            )
        for c, criterion in enumerate(assignment.rubric):
            for v, level in enumerate(criterion.levels):
                if getattr(level.description, lang) is None:
                    loc = ("assignments", a, "rubric", c, "levels", v, "description")
                    report(
                        rel,
                        document.line(loc),
                        f"{where}, criterion '{criterion.slug}', level '{level.slug}': "
                        f"no {name} description",
                    )


def compare(
    report: Report,
    finnish: str,
    finnish_at: tuple[str, int],
    translation: str,
    translation_at: tuple[str, int],
    what: str,
    name: str,
) -> bool:
    """Report where a translation's structure first departs from the Finnish; True if equal.

    `*_at` are (file, line of the text's first line) so that the report names real lines.
    """
    source, target = markdown.outline(finnish), markdown.outline(translation)
    for index in range(max(len(source), len(target))):
        mine = source[index] if index < len(source) else None
        theirs = target[index] if index < len(target) else None
        if (
            mine is not None
            and theirs is not None
            and (mine.kind, mine.shape)
            == (
                theirs.kind,
                theirs.shape,
            )
        ):
            continue
        fi_line = finnish_at[1] + (mine.line if mine else _last_line(finnish))
        line = translation_at[1] + (theirs.line if theirs else _last_line(translation))
        report(
            translation_at[0],
            line,
            f"the structure of {what} differs from the Finnish ({finnish_at[0]}:{fi_line}): "
            f"Finnish has {mine.describe() if mine else 'nothing more'}, "
            f"{name} has {theirs.describe() if theirs else 'nothing more'}",
        )
        return False
    return True


def _last_line(text: str) -> int:
    return max(text.count("\n"), 0)
