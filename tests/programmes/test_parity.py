"""Parity of translations: a Finnish text missing or shaped differently in a declared language is
a warning (language declared partial) or an error (declared complete), at the right line."""

from __future__ import annotations

from academy.programmes.loader import check, validate
from tests.programmes.conftest import PARITY

M1 = "modules/01-goals.md"
SV = "modules/01-goals.sv.md"


def messages(report, severity: str) -> list[str]:
    problems = report.errors if severity == "error" else report.warnings
    return [str(p) for p in problems]


def make_partial(copy, lang: str = "sv") -> None:
    copy.replace("programme.yaml", f"  {lang}: complete\n", f"  {lang}: partial\n")


def test_a_fully_translated_curriculum_has_no_errors_and_no_warnings():
    report = check(PARITY)

    assert report.errors == []
    assert report.warnings == []
    assert report.curriculum.programme.languages.sv == "complete"


def test_missing_translation_file_is_an_error_when_the_language_is_complete(trilingual):
    trilingual.file(SV).unlink()

    report = check(trilingual)

    line = trilingual.line_of(M1, "# Tavoitteet")
    assert report.curriculum is None
    assert messages(report, "error") == [
        f"parity-academy/{M1}:{line}: no Swedish body: {SV} is missing"
    ]
    assert report.warnings == []


def test_missing_translation_file_is_a_warning_when_the_language_is_partial(trilingual):
    make_partial(trilingual)
    trilingual.file(SV).unlink()

    report = check(trilingual)

    line = trilingual.line_of(M1, "# Tavoitteet")
    assert report.errors == []
    assert messages(report, "warning") == [
        f"parity-academy/{M1}:{line}: warning: no Swedish body: {SV} is missing"
    ]
    # The curriculum still imports, carrying its warnings.
    assert report.curriculum is not None
    assert report.curriculum.warnings == report.warnings
    assert validate(trilingual)[1] == []


def test_missing_instructions_are_reported_at_the_instructions_key(trilingual):
    trilingual.replace(
        M1,
        "      en: |\n        Set two goals.\n\n        1. Describe the need.\n"
        "        2. Choose a [statement](attachments/statements.csv).\n",
        "",
    )

    report = check(trilingual)

    line = trilingual.line_of(M1, "instructions:")
    assert messages(report, "error") == [
        f"parity-academy/{M1}:{line}: assignment 'goals': no English instructions"
    ]


def test_missing_level_description_is_reported_at_its_description(trilingual):
    make_partial(trilingual, "en")
    trilingual.replace(M1, '              en: "The goal is an action."\n', "")

    report = check(trilingual)

    line = trilingual.line_of(M1, "description:", occurrence=1)
    assert report.errors == []
    assert messages(report, "warning") == [
        f"parity-academy/{M1}:{line}: warning: assignment 'goals', criterion 'goals', "
        "level 'developing': no English description"
    ]


def test_objectives_missing_or_of_another_number_are_reported(trilingual):
    trilingual.replace(
        M1,
        '  en: ["I can set a goal.", "I can choose an indicator."]\n',
        '  en: ["I can set a goal."]\n',
    )
    trilingual.replace(
        M1, '  sv: ["Jag kan ställa upp ett mål.", "Jag kan välja en indikator."]\n', ""
    )

    report = check(trilingual)

    assert messages(report, "error") == [
        f"parity-academy/{M1}:{trilingual.line_of(M1, 'objectives:')}: no Swedish objectives",
        f"parity-academy/{M1}:{trilingual.line_of(M1, '  en: [')}: "
        "1 English objectives for 2 Finnish ones",
    ]


def test_a_lost_checklist_item_is_reported_where_the_structures_part(trilingual):
    trilingual.replace(SV, "- [ ] Målet har en ägare.\n", "")

    report = check(trilingual)

    fi_line = trilingual.line_of(M1, "- [ ] Tavoite on mitattava.")
    line = trilingual.line_of(SV, "- [ ] Målet är mätbart.")
    assert messages(report, "error") == [
        f"parity-academy/{SV}:{line}: the structure of the Swedish body differs from the "
        f"Finnish ({M1}:{fi_line}): Finnish has a checklist of 2 items, Swedish has a "
        "checklist of 1 item"
    ]


def test_a_missing_section_is_reported_at_the_end_of_the_translation(trilingual):
    trilingual.replace(SV, "| Nivå | Exempel |\n| --- | --- |\n| Prestation | Avtal |\n", "")

    (problem,) = messages(check(trilingual), "error")

    assert problem.startswith(f"parity-academy/{SV}:")
    assert problem.endswith("Finnish has a table of 2 rows × 2 columns, Swedish has nothing more")


def test_a_heading_of_another_level_is_reported(trilingual):
    trilingual.replace("modules/01-goals.en.md", "## Checklist", "### Checklist")

    (problem,) = messages(check(trilingual), "error")

    line = trilingual.line_of("modules/01-goals.en.md", "### Checklist")
    assert problem == (
        f"parity-academy/modules/01-goals.en.md:{line}: the structure of the English body "
        f"differs from the Finnish ({M1}:{trilingual.line_of(M1, '## Tarkistuslista')}): "
        "Finnish has a level-2 heading, English has a level-3 heading"
    )


def test_instructions_of_another_structure_are_reported_at_the_translated_line(trilingual):
    trilingual.replace(M1, "        2. Välj ett [påstående](attachments/statements.csv).\n", "")

    (problem,) = messages(check(trilingual), "error")

    line = trilingual.line_of(M1, "1. Beskriv behovet.")
    assert problem.startswith(
        f"parity-academy/{M1}:{line}: the structure of the Swedish instructions of assignment "
        "'goals' differs from the Finnish"
    )
    assert problem.endswith(
        "Finnish has a numbered list of 2 items, Swedish has a numbered list of 1 item"
    )


def test_languages_left_out_are_partial(trilingual):
    trilingual.replace("programme.yaml", "languages:\n  sv: complete\n  en: complete\n", "")
    trilingual.file(SV).unlink()

    report = check(trilingual)

    assert report.errors == []
    assert [p.message for p in report.warnings] == [f"no Swedish body: {SV} is missing"]


def test_an_unknown_language_or_status_is_refused(trilingual):
    trilingual.replace("programme.yaml", "  en: complete\n", "  en: done\n  de: partial\n")

    report = check(trilingual)

    en = trilingual.line_of("programme.yaml", "en: done")
    de = trilingual.line_of("programme.yaml", "de: partial")
    assert [str(p) for p in report.errors] == [
        f"parity-academy/programme.yaml:{en}: languages.en: Input should be 'complete' or "
        "'partial'",
        f"parity-academy/programme.yaml:{de}: languages: unknown key 'de'",
    ]
