"""The curriculum validator: every rule of curricula/README.md, reported at the right line."""

from __future__ import annotations

import hashlib

from academy.programmes.loader import Problem, content_hash, validate
from tests.programmes.conftest import VALID

M1 = "modules/01-kick-off.md"
M2 = "modules/02-impact-goals.md"


def problems_of(curriculum) -> list[str]:
    result, problems = validate(curriculum)
    assert result is None
    assert problems, "expected problems"
    return [str(p) for p in problems]


def test_the_test_curriculum_is_valid():
    result, problems = validate(VALID)

    assert problems == []
    assert result.slug == "test-academy"
    assert [m.slug for m in result.modules] == ["kick-off", "impact-goals"]
    assert [m.position for m in result.modules] == [1, 2]
    assert result.assignment_count == 3
    assert set(result.attachments) == {"self-assessment.csv"}
    assert result.modules[0].attachments == {"self-assessment.csv"}
    assert set(result.modules[0].bodies) == {"fi", "sv"}
    assert result.modules[0].bodies["sv"].startswith("# Välkommen")
    assert result.modules[0].bodies["fi"].startswith("# Tervetuloa")


def test_problem_prints_as_file_line_message():
    problem = Problem("keino-academy/modules/03-x.md", 7, "something is wrong")

    assert str(problem) == "keino-academy/modules/03-x.md:7: something is wrong"


def test_content_hash_covers_paths_and_bytes(curriculum):
    before = content_hash(curriculum.root)
    assert before == validate(curriculum)[0].content_hash
    assert len(before) == 64

    curriculum.replace(M2, "Tavoitteet ohjaavat hankintaa.", "Tavoitteet ohjaavat.")
    assert content_hash(curriculum.root) != before

    curriculum.replace(M2, "Tavoitteet ohjaavat.", "Tavoitteet ohjaavat hankintaa.")
    assert content_hash(curriculum.root) == before

    curriculum.file("modules/attachments/self-assessment.csv").rename(
        curriculum.file("modules/attachments/self-assessment.txt")
    )
    assert content_hash(curriculum.root) != before


def test_content_hash_is_sha256_of_sorted_paths_and_bytes(tmp_path):
    (tmp_path / "b.txt").write_bytes(b"B")
    (tmp_path / "a.txt").write_bytes(b"AA")
    expected = hashlib.sha256(b"a.txt\x002\x00AA" + b"b.txt\x001\x00B").hexdigest()

    assert content_hash(tmp_path) == expected


# --- YAML and schema ----------------------------------------------------------------------


def test_broken_yaml_is_reported_at_the_parsers_line(curriculum):
    curriculum.replace("programme.yaml", "modules:\n", "modules: [\n")

    (problem,) = problems_of(curriculum)

    line = curriculum.line_of("programme.yaml", "- 01-kick-off")
    assert problem == (
        f"test-academy/programme.yaml:{line}: YAML syntax error: expected the node content, "
        "but found '-'"
    )


def test_broken_yaml_in_front_matter_counts_the_opening_dashes(curriculum):
    curriculum.replace(M2, "opens_after_days: 14", "opens_after_days: [14")

    problems = problems_of(curriculum)

    line = curriculum.line_of(M2, "objectives:")
    assert any(p.startswith(f"test-academy/{M2}:{line}: YAML syntax error") for p in problems), (
        problems
    )


def test_missing_title_is_reported_at_the_front_matter(curriculum):
    curriculum.replace(M1, 'title: {fi: "Aloitus", sv: "Start", en: "Kick-off"}\n', "")

    assert problems_of(curriculum) == [f"test-academy/{M1}:2: missing required key 'title'"]


def test_missing_language_is_reported_at_its_key(curriculum):
    curriculum.replace(M2, 'sv: "Vi sätter mål.", ', "")

    line = curriculum.line_of(M2, "summary:")
    assert problems_of(curriculum) == [
        f"test-academy/{M2}:{line}: summary: missing required key 'sv'"
    ]


def test_unknown_key_is_refused_at_its_line(curriculum):
    curriculum.replace(
        M2,
        "    kind: individual\n    required: true\n    due_after_days: 14\n    review",
        "    kind: individual\n    colour: red\n    required: true\n"
        "    due_after_days: 14\n    review",
    )

    line = curriculum.line_of(M2, "colour: red")
    assert problems_of(curriculum) == [
        f"test-academy/{M2}:{line}: assignments[0]: unknown key 'colour'"
    ]


def test_wrong_type_and_range_are_reported(curriculum):
    curriculum.replace(M2, "estimated_hours: 6.5", 'estimated_hours: "6"')
    curriculum.replace(M2, "reviews_per_submission: 2", "reviews_per_submission: 9")

    problems = problems_of(curriculum)

    hours = curriculum.line_of(M2, "estimated_hours")
    reviews = curriculum.line_of(M2, "reviews_per_submission")
    assert problems == [
        f"test-academy/{M2}:{hours}: estimated_hours: Input should be a valid number",
        f"test-academy/{M2}:{reviews}: assignments[0].peer_review.reviews_per_submission: "
        "Input should be less than or equal to 5",
    ]


def test_invalid_slug_is_refused(curriculum):
    curriculum.replace(M2, "slug: reflection", "slug: Reflection_1")

    line = curriculum.line_of(M2, "slug: Reflection_1")
    (problem,) = problems_of(curriculum)
    assert problem.startswith(f"test-academy/{M2}:{line}: assignments[1].slug: 'Reflection_1'")


def test_duplicate_yaml_key_is_reported(curriculum):
    curriculum.replace(M2, "opens_after_days: 14\n", "opens_after_days: 14\nopens_after_days: 7\n")

    line = curriculum.line_of(M2, "opens_after_days: 7")
    assert problems_of(curriculum) == [
        f"test-academy/{M2}:{line}: key 'opens_after_days' appears twice"
    ]


def test_rubric_levels_need_increasing_points(curriculum):
    curriculum.replace(M1, "{slug: exemplary, points: 3", "{slug: exemplary, points: 2")

    line = curriculum.line_of(M1, "slug: exemplary")
    assert problems_of(curriculum) == [
        f"test-academy/{M1}:{line}: assignments[0].rubric[0].levels[2].points: "
        "points must increase from level to level: 2 after 2"
    ]


def test_duplicate_level_slug_is_refused(curriculum):
    curriculum.replace(M1, "{slug: exemplary, points: 3", "{slug: competent, points: 3")

    line = curriculum.line_of(M1, "slug: competent", occurrence=2)
    assert problems_of(curriculum) == [
        f"test-academy/{M1}:{line}: assignments[0].rubric[0].levels[2].slug: "
        "'competent' is used twice in this criterion"
    ]


def test_a_criterion_needs_two_levels(curriculum):
    curriculum.replace(
        M2,
        '          - {slug: deep, points: 1, title: {fi: "Syvä", sv: "Djup", en: "Deep"}, '
        'description: {fi: "Syvällinen."}}\n',
        "",
    )

    line = curriculum.line_of(M2, "levels:", occurrence=3)
    (problem,) = problems_of(curriculum)
    assert problem.startswith(f"test-academy/{M2}:{line}: assignments[1].rubric[0].levels:")
    assert "at least 2" in problem


def test_duplicate_criterion_slug_is_refused(curriculum):
    curriculum.replace(M2, "- slug: measures", "- slug: goals")

    line = curriculum.line_of(M2, "- slug: goals", occurrence=2)
    assert problems_of(curriculum) == [
        f"test-academy/{M2}:{line}: assignments[0].rubric[1].slug: "
        "'goals' is used twice in this rubric"
    ]


def test_peer_review_rubric_must_name_criteria_of_the_assignment(curriculum):
    curriculum.replace(M2, "rubric: [goals]", "rubric: [goals, depth]")

    line = curriculum.line_of(M2, "rubric: [goals, depth]")
    (problem,) = problems_of(curriculum)
    assert problem.startswith(
        f"test-academy/{M2}:{line}: assignments[0].peer_review.rubric[1]: "
        "'depth' is not a criterion of this assignment"
    )


def test_cut_off_before_due_is_refused(curriculum):
    curriculum.replace(M2, "cut_off_after_days: 7", "cut_off_after_days: 6")

    line = curriculum.line_of(M2, "cut_off_after_days: 6")
    assert problems_of(curriculum) == [
        f"test-academy/{M2}:{line}: assignments[1].cut_off_after_days: 6 is before "
        "due_after_days (7)"
    ]


def test_review_due_needs_peer_review(curriculum):
    curriculum.replace(
        M1, "    due_after_days: 14\n", "    due_after_days: 14\n    review_due_after_days: 21\n"
    )

    line = curriculum.line_of(M1, "review_due_after_days")
    assert problems_of(curriculum) == [
        f"test-academy/{M1}:{line}: assignments[0].review_due_after_days: only allowed with "
        "peer_review"
    ]


def test_completion_must_be_all_or_a_number_within_the_programme(curriculum):
    curriculum.replace("programme.yaml", "modules: all", "modules: 3")

    line = curriculum.line_of("programme.yaml", "modules: 3")
    assert problems_of(curriculum) == [
        f"test-academy/programme.yaml:{line}: completion asks for 3 modules but the programme has 2"
    ]


def test_programme_slug_must_be_the_folder_name(curriculum):
    curriculum.replace("programme.yaml", "slug: test-academy", "slug: other-academy")

    assert problems_of(curriculum) == [
        "test-academy/programme.yaml:1: slug 'other-academy' must be the folder's name, "
        "'test-academy'"
    ]


# --- across files -------------------------------------------------------------------------


def test_module_order_naming_a_missing_file_is_reported(curriculum):
    curriculum.replace(
        "programme.yaml", "  - 02-impact-goals\n", "  - 02-impact-goals\n  - 03-finale\n"
    )

    line = curriculum.line_of("programme.yaml", "03-finale")
    assert problems_of(curriculum) == [
        f"test-academy/programme.yaml:{line}: module file modules/03-finale.md does not exist"
    ]


def test_module_file_missing_from_the_order_is_reported(curriculum):
    curriculum.replace("programme.yaml", "  - 02-impact-goals\n", "")

    line = curriculum.line_of("programme.yaml", "modules:")
    assert problems_of(curriculum) == [
        f"test-academy/programme.yaml:{line}: modules/02-impact-goals.md is not listed in modules"
    ]


def test_module_listed_twice_is_reported_at_the_second_entry(curriculum):
    curriculum.replace(
        "programme.yaml", "  - 02-impact-goals\n", "  - 02-impact-goals\n  - 01-kick-off\n"
    )

    line = curriculum.line_of("programme.yaml", "- 01-kick-off", occurrence=2)
    assert problems_of(curriculum) == [
        f"test-academy/programme.yaml:{line}: module '01-kick-off' is listed twice"
    ]


def test_module_numbers_must_follow_the_order(curriculum):
    curriculum.replace(
        "programme.yaml",
        "  - 01-kick-off\n  - 02-impact-goals\n",
        "  - 02-impact-goals\n  - 01-kick-off\n",
    )

    problems = problems_of(curriculum)

    assert problems[0] == (
        "test-academy/programme.yaml:11: module numbers must follow the order: "
        "'02-impact-goals' is module 1, so its file should be modules/01-impact-goals.md"
    )
    assert len(problems) == 2


def test_duplicate_module_slug_is_reported_at_the_second_entry(curriculum):
    curriculum.write(
        "modules/03-kick-off.md",
        curriculum.read(M2).replace("impact-plan", "plan-b").replace("reflection", "reflection-b"),
    )
    curriculum.replace(
        "programme.yaml", "  - 02-impact-goals\n", "  - 02-impact-goals\n  - 03-kick-off\n"
    )

    line = curriculum.line_of("programme.yaml", "03-kick-off")
    assert problems_of(curriculum) == [
        f"test-academy/programme.yaml:{line}: module slug 'kick-off' is used twice "
        "(also in '01-kick-off')"
    ]


def test_duplicate_assignment_slug_is_reported_at_the_second_occurrence(curriculum):
    curriculum.replace(M2, "slug: reflection", "slug: maturity-baseline")

    line = curriculum.line_of(M2, "slug: maturity-baseline")
    assert problems_of(curriculum) == [
        f"test-academy/{M2}:{line}: assignment slug 'maturity-baseline' is used twice in the "
        f"programme (also in {M1})"
    ]


def test_translation_without_a_finnish_file_is_reported(curriculum):
    curriculum.write("modules/03-finale.en.md", "# Finale\n")

    assert problems_of(curriculum) == [
        "test-academy/modules/03-finale.en.md:1: translation (en) without a Finnish file "
        "modules/03-finale.md"
    ]


def test_front_matter_in_a_translation_is_refused(curriculum):
    curriculum.write("modules/02-impact-goals.en.md", "---\ntitle: x\n---\n# Impact\n")

    assert problems_of(curriculum) == [
        "test-academy/modules/02-impact-goals.en.md:1: a translation file has a body only: "
        "front matter is not allowed"
    ]


def test_module_file_without_front_matter_is_refused(curriculum):
    curriculum.write(M2, "# Vaikuttavuus\n")

    assert problems_of(curriculum) == [
        f"test-academy/{M2}:1: a module file must start with front matter between '---' lines"
    ]


def test_attachment_of_a_type_not_allowed_is_refused(curriculum):
    curriculum.file("modules/attachments/setup.exe").write_bytes(b"MZ")

    (problem,) = problems_of(curriculum)
    assert problem.startswith(
        "test-academy/modules/attachments/setup.exe:1: this file type may not be attached"
    )


def test_unexpected_files_are_reported(curriculum):
    curriculum.write("notes.txt", "muistiinpanoja")
    curriculum.write("modules/kick-off.md", "# x")

    problems = problems_of(curriculum)

    assert [p.split(":")[0] for p in problems] == [
        "test-academy/modules/kick-off.md",
        "test-academy/notes.txt",
    ]


def test_missing_programme_yaml_is_reported(curriculum):
    curriculum.file("programme.yaml").unlink()

    assert problems_of(curriculum) == ["test-academy/programme.yaml:1: programme.yaml is missing"]


def test_not_a_folder_is_reported(tmp_path):
    result, problems = validate(tmp_path / "nothing")

    assert result is None
    assert [p.message for p in problems] == ["not a folder"]


# --- Markdown -----------------------------------------------------------------------------


def test_raw_script_in_the_body_is_reported_at_the_body_line(curriculum):
    curriculum.replace(
        M2,
        "Tavoitteet ohjaavat hankintaa.\n",
        "Tavoitteet ohjaavat hankintaa.\n\n<script>alert(1)</script>\n",
    )

    line = curriculum.line_of(M2, "<script>")
    assert problems_of(curriculum) == [
        f"test-academy/{M2}:{line}: raw HTML is not allowed in Markdown: <script>alert(1)</script>"
    ]


def test_inline_html_in_a_translation_is_reported_at_its_line(curriculum):
    curriculum.write(
        "modules/01-kick-off.sv.md", "# Välkommen\n\nEn rad\noch <img src=x onerror=alert(1)>\n"
    )

    assert problems_of(curriculum) == [
        "test-academy/modules/01-kick-off.sv.md:4: raw HTML is not allowed in Markdown: "
        "<img src=x onerror=alert(1)>"
    ]


def test_javascript_link_is_refused(curriculum):
    curriculum.replace(M1, "## Aikataulu", "[klikkaa](JaVaScRiPt:alert(1))\n\n## Aikataulu")

    line = curriculum.line_of(M1, "klikkaa")
    assert problems_of(curriculum) == [
        f"test-academy/{M1}:{line}: javascript: URLs are not allowed: JaVaScRiPt:alert(1)"
    ]


def test_data_url_image_is_refused(curriculum):
    curriculum.replace(M1, "## Aikataulu", "![kuva](data:image/png;base64,AAAA)\n\n## Aikataulu")

    (problem,) = problems_of(curriculum)
    assert f"{M1}:{curriculum.line_of(M1, 'data:image')}: data: URLs are not allowed" in problem


def test_link_to_a_missing_attachment_is_reported(curriculum):
    curriculum.replace(M1, "## Aikataulu", "Lue [opas](attachments/opas.pdf).\n\n## Aikataulu")

    line = curriculum.line_of(M1, "opas.pdf")
    assert problems_of(curriculum) == [
        f"test-academy/{M1}:{line}: link to a missing attachment: attachments/opas.pdf"
    ]


def test_relative_link_outside_attachments_is_refused(curriculum):
    curriculum.replace(M1, "## Aikataulu", "[seuraava](02-impact-goals.md)\n\n## Aikataulu")

    (problem,) = problems_of(curriculum)
    assert "a relative link must point to a file in attachments/" in problem


def test_bad_link_in_instructions_is_reported_at_its_line(curriculum):
    curriculum.replace(
        M1, "        Palauttakaa yhteenveto.", "        Palauttakaa [tästä](attachments/nope.docx)."
    )

    line = curriculum.line_of(M1, "nope.docx")
    assert problems_of(curriculum) == [
        f"test-academy/{M1}:{line}: link to a missing attachment: attachments/nope.docx"
    ]


def test_anchor_and_web_links_are_allowed(curriculum):
    curriculum.replace(
        M1, "## Aikataulu", "[alas](#aikataulu) [posti](mailto:a@example.org)\n\n## Aikataulu"
    )

    assert validate(curriculum)[1] == []


def test_front_matter_that_is_never_closed_is_reported(curriculum):
    curriculum.write(M2, "---\ntitle: x\n# Vaikuttavuus\n")

    assert problems_of(curriculum) == [
        f"test-academy/{M2}:1: front matter is not closed with a line '---'"
    ]


def test_symbolic_links_are_refused(curriculum, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("salainen")
    curriculum.file("modules/attachments/secret.txt").symlink_to(secret)

    assert problems_of(curriculum) == [
        "test-academy/modules/attachments/secret.txt:1: symbolic links are not allowed in a "
        "curriculum"
    ]


def test_english_translation_is_read_beside_the_swedish(curriculum):
    curriculum.write(
        "modules/01-kick-off.en.md",
        "# Welcome\n\nSee [the form](attachments/self-assessment.csv).\n",
    )

    result, problems = validate(curriculum)

    assert problems == []
    assert result.modules[0].bodies["en"].startswith("# Welcome")
