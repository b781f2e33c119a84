"""The KEINO Academy's own curriculum: complete in three languages, its data consistent, its CSV
templates as Excel in Finland opens them."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest

from academy.core import markdown
from academy.programmes.loader import check

ROOT = Path(__file__).resolve().parents[2] / "curricula" / "keino-academy"
ATTACHMENTS = ROOT / "modules" / "attachments"
TEMPLATES = sorted(p for p in ATTACHMENTS.glob("*.csv") if p.name.count(".") == 1)
BOM = b"\xef\xbb\xbf"

TARGET_STATE_KEYS = [
    "strategic-management",
    "procurement-skills",
    "knowledge-and-impact",
    "functioning-markets",
    "innovation",
    "economic-sustainability",
    "social-sustainability",
    "ecological-sustainability",
]


@pytest.fixture(scope="module")
def report():
    return check(ROOT)


def rows(path: Path) -> list[list[str]]:
    """A template as Excel in Finland reads it: UTF-8 with BOM, fields separated by ';'."""
    data = path.read_bytes()
    assert data.startswith(BOM), f"{path.name} has no UTF-8 byte order mark"
    return list(csv.reader(io.StringIO(data[len(BOM) :].decode("utf-8")), delimiter=";"))


def variant(path: Path, lang: str) -> Path:
    return path if lang == "fi" else path.with_name(f"{path.stem}.{lang}.csv")


def test_the_curriculum_is_valid_without_a_single_warning(report):
    assert [str(p) for p in report.errors] == []
    assert [str(p) for p in report.warnings] == []
    languages = report.curriculum.programme.languages
    assert (languages.sv, languages.en) == ("complete", "complete")


def test_every_module_assignment_and_rubric_level_is_in_three_languages(report):
    for module in report.curriculum.modules:
        assert set(module.bodies) == {"fi", "sv", "en"}, module.slug
        objectives = module.front.objectives
        assert len(objectives.sv) == len(objectives.en) == len(objectives.fi), module.slug
        for assignment in module.front.assignments:
            assert assignment.instructions.sv and assignment.instructions.en, assignment.slug
            for criterion in assignment.rubric:
                for level in criterion.levels:
                    description = level.description
                    assert description.sv and description.en, (assignment.slug, level.slug)


def test_translations_keep_the_finnish_sections_and_checklists(report):
    """The validator compares structures; this states the promise in the words of the issue."""
    for module in report.curriculum.modules:
        finnish = [(b.kind, b.shape) for b in markdown.outline(module.bodies["fi"])]
        for lang in ("sv", "en"):
            assert [(b.kind, b.shape) for b in markdown.outline(module.bodies[lang])] == finnish


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_translations_link_to_the_templates_in_their_own_language(report, lang):
    def links(module, lang: str) -> list[str]:
        texts = [module.bodies[lang]] + [
            getattr(a.instructions, lang) for a in module.front.assignments
        ]
        return re.findall(r"\(attachments/([^)]+)\)", "\n".join(texts))

    for module in report.curriculum.modules:
        finnish, translated = links(module, "fi"), links(module, lang)
        assert [name.replace(f".{lang}.csv", ".csv") for name in translated] == finnish
        assert all(name.endswith(f".{lang}.csv") for name in translated), module.slug


def test_the_eight_target_states_are_data_in_the_strategys_order(report):
    data = report.curriculum.target_states
    assert [s.key for s in data.target_states] == TARGET_STATE_KEYS
    first = data.target_states[0]
    assert first.statement.fi.startswith("Johdamme hankintoja strategisena toimintona")
    assert first.label.en == "Strategic management"
    assert data.source.url.startswith("https://")


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: p.name)
def test_templates_open_in_excel_and_exist_in_three_languages(template):
    finnish = rows(template)
    assert len(finnish) > 1
    assert all(len(row) == len(finnish[0]) for row in finnish), "ragged rows"
    assert ";" in template.read_text("utf-8-sig").splitlines()[0]
    for lang in ("sv", "en"):
        translated = rows(variant(template, lang))
        assert len(translated) == len(finnish)
        assert all(len(row) == len(finnish[0]) for row in translated)
        # identifiers (first column of the maturity, risk and indicator templates) are shared
        if template.stem in ("maturity-self-assessment", "risk-register", "impact-indicators"):
            assert [r[0] for r in translated[1:]] == [r[0] for r in finnish[1:]]


def test_maturity_statements_ask_one_thing_each_and_cover_the_new_areas():
    table = rows(ATTACHMENTS / "maturity-self-assessment.csv")[1:]
    scale = [row for row in table if row[0].isdigit()]
    statements = [row for row in table if not row[0].isdigit()]

    assert [row[0] for row in scale] == ["1", "2", "3", "4", "5"]
    ids = [row[0] for row in statements]
    assert len(ids) == len(set(ids))
    # S4 and O1 asked two things each: now split in two statements
    assert {"S4", "S5", "O1", "O2"} <= set(ids)
    by_id = {row[0]: row[2] for row in statements}
    assert "tunnetaan" not in by_id["S4"] and "tunnetaan" in by_id["S5"]
    # economic sustainability and life-cycle cost, innovation and experiments, SMEs and markets
    assert "elinkaarikustannuksia" in by_id["K1"]
    assert any("kokeil" in by_id[i].lower() for i in ids if i.startswith("I"))
    assert "pienet ja keskisuuret yritykset" in by_id["M3"]
    assert "markkinavaikutuksia" in by_id["M4"]


def test_indicator_examples_name_target_states_by_key_and_are_marked_as_examples(report):
    states = {s.key: s for s in report.curriculum.target_states.target_states}
    for lang in ("fi", "sv", "en"):
        _header, *table = rows(variant(ATTACHMENTS / "impact-indicators.csv", lang))
        for row in table:
            assert row[0] in states, row[0]
            assert row[1] == getattr(states[row[0]].label, lang)
            assert row[-1], "every row says it is an example"
        assert {row[0] for row in table} >= set(TARGET_STATE_KEYS)
