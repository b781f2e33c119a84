"""The shape of a curriculum's YAML (curricula/README.md), as pydantic models.

These models check one file at a time: keys, types, ranges and the rules inside one
assignment. What spans files (module order, unique slugs in the programme, attachments) is the
loader's work. A rule that concerns one key deeper than the model it is checked in raises
`problem(message, at=(…))`, so the loader can point at that key's line.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
#: "03-impact-goals": a module file's name without ".md"
MODULE_FILE_PATTERN = re.compile(r"^(\d{2})-([a-z0-9]+(?:-[a-z0-9]+)*)$")
LANGUAGES = ("fi", "sv", "en")
#: the languages a programme is translated into from Finnish, its source language
TRANSLATIONS = ("sv", "en")


def problem(message: str, at: tuple[str | int, ...] = ()) -> PydanticCustomError:
    """A validation error whose location is `at`, relative to the value being validated."""
    return PydanticCustomError("curriculum", message, {"at": at})


def _check_slug(value: str) -> str:
    if not SLUG_PATTERN.match(value):
        raise PydanticCustomError(
            "slug",
            "'{value}' is not a valid slug: use lower-case letters, digits and single hyphens",
            {"value": value},
        )
    return value


def _check_module_file(value: str) -> str:
    if not MODULE_FILE_PATTERN.match(value):
        raise PydanticCustomError(
            "module_file",
            "'{value}' is not a module file name: expected NN-slug, e.g. 01-kick-off",
            {"value": value},
        )
    return value


def _check_text(value: str) -> str:
    if not value.strip():
        raise PydanticCustomError("empty", "text must not be empty")
    return value


Slug = Annotated[str, AfterValidator(_check_slug)]
Text = Annotated[str, AfterValidator(_check_text)]
ModuleFile = Annotated[str, AfterValidator(_check_module_file)]


class Strict(BaseModel):
    """Unknown keys are refused and values are not coerced ("14" is not a number)."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class Localised(Strict):
    """A text in all three languages."""

    fi: Text
    sv: Text
    en: Text


class OptionalLocalised(Strict):
    """A text in Finnish, and in Swedish and English when written."""

    fi: Text
    sv: Text | None = None
    en: Text | None = None


class Objectives(Strict):
    """Learning objectives: a list in Finnish, and in Swedish and English when written."""

    fi: Annotated[list[Text], Field(min_length=1)]
    sv: list[Text] | None = None
    en: list[Text] | None = None


def texts(value: Localised | OptionalLocalised | Objectives | None) -> dict[str, Any]:
    """The languages that are present, as a plain dict for a JSON column."""
    if value is None:
        return {}
    return {lang: text for lang, text in value.model_dump().items() if text is not None}


class Completion(Strict):
    """What a participant must do to complete the programme."""

    #: "all", or how many modules must be marked completed
    modules: Any
    required_assignments: Literal["accepted"]

    @field_validator("modules", mode="plain")
    @classmethod
    def _all_or_number(cls, value: Any) -> str | int:
        if value == "all" or (type(value) is int and value >= 1):
            return value
        raise PydanticCustomError("completion", "must be 'all' or a whole number of at least 1")


class Languages(Strict):
    """How complete each translation of the programme must be.

    "complete": every module body, objective list, assignment instruction and rubric level
    description that exists in Finnish must exist in this language too (an error otherwise).
    "partial": a missing text is a warning, and readers see the Finnish text instead.
    """

    sv: Literal["complete", "partial"] = "partial"
    en: Literal["complete", "partial"] = "partial"


class Programme(Strict):
    """programme.yaml."""

    slug: Slug
    title: Localised
    description: Localised
    #: the translations and how complete they must be; both "partial" when left out
    languages: Languages = Languages()
    modules: Annotated[list[ModuleFile], Field(min_length=1)]
    completion: Completion


class Level(Strict):
    """One level of a rubric criterion, e.g. "competent", 2 points."""

    slug: Slug
    points: Annotated[int, Field(ge=0)]
    title: Localised
    description: OptionalLocalised


class Criterion(Strict):
    """A rubric criterion with its levels, lowest first."""

    slug: Slug
    title: Localised
    levels: Annotated[list[Level], Field(min_length=2)]

    @field_validator("levels")
    @classmethod
    def _levels_unique_and_increasing(cls, levels: list[Level]) -> list[Level]:
        seen: set[str] = set()
        for index, level in enumerate(levels):
            if level.slug in seen:
                raise problem(f"'{level.slug}' is used twice in this criterion", (index, "slug"))
            seen.add(level.slug)
            if index and level.points <= levels[index - 1].points:
                raise problem(
                    f"points must increase from level to level: {level.points} after "
                    f"{levels[index - 1].points}",
                    (index, "points"),
                )
        return levels


class PeerReview(Strict):
    """How peers review the submissions of an assignment."""

    reviews_per_submission: Annotated[int, Field(ge=1, le=5)]
    anonymous: bool
    other_organisations_only: bool
    required: bool
    #: the criteria peers use, by slug; all of the rubric's when left out
    rubric: list[Slug] | None = None


class Assignment(Strict):
    """An assignment in a module's front matter."""

    slug: Slug
    title: Localised
    kind: Literal["individual", "team"]
    required: bool
    due_after_days: Annotated[int, Field(ge=0)]
    review_due_after_days: Annotated[int, Field(ge=0)] | None = None
    cut_off_after_days: Annotated[int, Field(ge=0)]
    instructions: OptionalLocalised
    rubric: Annotated[list[Criterion], Field(min_length=1)]
    peer_review: PeerReview | None = None

    @field_validator("rubric")
    @classmethod
    def _criteria_unique(cls, rubric: list[Criterion]) -> list[Criterion]:
        seen: set[str] = set()
        for index, criterion in enumerate(rubric):
            if criterion.slug in seen:
                raise problem(f"'{criterion.slug}' is used twice in this rubric", (index, "slug"))
            seen.add(criterion.slug)
        return rubric

    @model_validator(mode="after")
    def _dates_and_review(self) -> Assignment:
        if self.cut_off_after_days < self.due_after_days:
            raise problem(
                f"{self.cut_off_after_days} is before due_after_days ({self.due_after_days})",
                ("cut_off_after_days",),
            )
        if self.review_due_after_days is not None:
            if self.peer_review is None:
                raise problem(
                    "only allowed with peer_review",
                    ("review_due_after_days",),
                )
            if self.review_due_after_days < self.due_after_days:
                raise problem(
                    f"{self.review_due_after_days} is before due_after_days "
                    f"({self.due_after_days})",
                    ("review_due_after_days",),
                )
        if self.peer_review is not None and self.peer_review.rubric is not None:
            criteria = {criterion.slug for criterion in self.rubric}
            for index, slug in enumerate(self.peer_review.rubric):
                if slug not in criteria:
                    raise problem(
                        f"'{slug}' is not a criterion of this assignment "
                        f"(criteria: {', '.join(sorted(criteria))})",
                        ("peer_review", "rubric", index),
                    )
        return self

    def peer_review_criteria(self) -> list[str]:
        """The criteria peers use: those named, else the whole rubric."""
        if self.peer_review is None:
            return []
        if self.peer_review.rubric is not None:
            return list(self.peer_review.rubric)
        return [criterion.slug for criterion in self.rubric]


class ModuleFrontMatter(Strict):
    """The front matter of modules/NN-slug.md."""

    title: Localised
    summary: Localised
    estimated_hours: Annotated[float, Field(gt=0)]
    opens_after_days: Annotated[int, Field(ge=0)]
    objectives: Objectives
    assignments: Annotated[list[Assignment], Field(min_length=1)]


class Source(Strict):
    """A public document that data in the curriculum is taken from."""

    title: Localised
    url: Text

    @field_validator("url")
    @classmethod
    def _web_address(cls, url: str) -> str:
        if not re.match(r"^https://[^\s/]+\.[^\s]+$", url):
            raise PydanticCustomError("url", "must be a web address starting with https://")
        return url


class TargetState(Strict):
    """One target state (tahtotila) of the national procurement strategy Hankinta-Suomi."""

    #: stable identifier that other data (impact goals) refers to, e.g. "strategic-management"
    key: Slug
    #: a short name for lists and charts, e.g. "Strategic management"
    label: Localised
    #: the strategy's own sentence
    statement: Localised


class TargetStates(Strict):
    """target-states.yaml: the target states impact goals are tied to, in the strategy's order."""

    source: Source
    target_states: Annotated[list[TargetState], Field(min_length=1)]

    @field_validator("target_states")
    @classmethod
    def _keys_and_labels_unique(cls, states: list[TargetState]) -> list[TargetState]:
        keys: set[str] = set()
        labels: dict[str, set[str]] = {lang: set() for lang in LANGUAGES}
        for index, state in enumerate(states):
            if state.key in keys:
                raise problem(f"'{state.key}' is used twice", (index, "key"))
            keys.add(state.key)
            for lang in LANGUAGES:
                label = getattr(state.label, lang)
                if label in labels[lang]:
                    raise problem(f"the label '{label}' is used twice", (index, "label", lang))
                labels[lang].add(label)
        return states
