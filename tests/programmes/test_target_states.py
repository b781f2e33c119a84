"""target-states.yaml: the national strategy's target states as data, checked line by line and
kept with each imported version."""

from __future__ import annotations

import sqlalchemy as sa

from academy.extensions import db
from academy.programmes.loader import check
from academy.programmes.models import ProgrammeVersion
from academy.programmes.services import import_curriculum

FILE = "target-states.yaml"


def errors(copy) -> list[str]:
    report = check(copy)
    assert report.curriculum is None
    return [str(p) for p in report.errors]


def test_target_states_are_read_in_the_strategys_order(trilingual):
    curriculum = check(trilingual).curriculum

    states = curriculum.target_states.target_states
    assert [s.key for s in states] == ["strategic-management", "innovation"]
    assert states[1].label.sv == "Innovationer"
    assert curriculum.target_states.source.url == "https://example.org/strategy"


def test_a_curriculum_without_the_file_has_no_target_states(curriculum):
    assert check(curriculum).curriculum.target_states is None


def test_a_missing_language_is_reported_at_its_key(trilingual):
    trilingual.replace(FILE, '      en: "We solve challenges with innovation."\n', "")

    line = trilingual.line_of(FILE, "statement:", occurrence=2)
    assert errors(trilingual) == [
        f"parity-academy/{FILE}:{line}: target_states[1].statement: missing required key 'en'"
    ]


def test_a_key_used_twice_is_reported_at_the_second_use(trilingual):
    trilingual.replace(FILE, "- key: innovation", "- key: strategic-management")

    line = trilingual.line_of(FILE, "- key: strategic-management", occurrence=2)
    assert errors(trilingual) == [
        f"parity-academy/{FILE}:{line}: target_states[1].key: 'strategic-management' is used twice"
    ]


def test_a_label_used_twice_is_refused(trilingual):
    trilingual.replace(FILE, 'sv: "Innovationer"', 'sv: "Strategisk ledning"')

    (problem,) = errors(trilingual)
    line = trilingual.line_of(FILE, 'fi: "Innovaatiot"')
    assert problem.startswith(f"parity-academy/{FILE}:{line}:")
    assert problem.endswith(
        "target_states[1].label.sv: the label 'Strategisk ledning' is used twice"
    )


def test_keys_must_be_slugs_and_unknown_keys_are_refused(trilingual):
    trilingual.replace(FILE, "- key: innovation", "- key: Innovation_2\n    colour: red")

    problems = errors(trilingual)

    assert problems[0].startswith(
        f"parity-academy/{FILE}:{trilingual.line_of(FILE, 'Innovation_2')}: "
        "target_states[1].key: 'Innovation_2' is not a valid slug"
    )
    assert problems[1] == (
        f"parity-academy/{FILE}:{trilingual.line_of(FILE, 'colour')}: target_states[1]: "
        "unknown key 'colour'"
    )


def test_the_source_needs_a_web_address(trilingual):
    trilingual.replace(FILE, "url: https://example.org/strategy", "url: javascript:alert(1)")

    assert errors(trilingual) == [
        f"parity-academy/{FILE}:{trilingual.line_of(FILE, 'url:')}: source.url: must be a web "
        "address starting with https://"
    ]


def test_broken_yaml_is_reported_at_the_parsers_line(trilingual):
    trilingual.replace(FILE, "target_states:\n", "target_states: [\n")

    (problem,) = errors(trilingual)
    assert problem.startswith(f"parity-academy/{FILE}:")
    assert "YAML syntax error" in problem


def test_import_keeps_the_target_states_with_the_version(trilingual):
    import_curriculum(trilingual)
    db.session.commit()
    db.session.expunge_all()

    version = db.session.scalars(sa.select(ProgrammeVersion)).one()
    assert version.target_states["source"] == {
        "titles": {"fi": "Strategia", "sv": "Strategi", "en": "Strategy"},
        "url": "https://example.org/strategy",
    }
    assert [s["key"] for s in version.target_states["states"]] == [
        "strategic-management",
        "innovation",
    ]
    assert version.target_state("innovation") == {
        "key": "innovation",
        "position": 2,
        "labels": {"fi": "Innovaatiot", "sv": "Innovationer", "en": "Innovation"},
        "statements": {
            "fi": "Ratkaisemme haasteita innovaatioilla.",
            "sv": "Vi löser utmaningar med innovationer.",
            "en": "We solve challenges with innovation.",
        },
    }
    assert version.target_state("no-such-state") is None


def test_a_version_without_target_states_keeps_an_empty_mapping(curriculum):
    import_curriculum(curriculum)
    db.session.commit()
    db.session.expunge_all()

    version = db.session.scalars(sa.select(ProgrammeVersion)).one()
    assert version.target_states == {}
    assert version.target_state("strategic-management") is None
