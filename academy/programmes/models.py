"""A programme's content as imported from curricula/: immutable versions, modules, assignments."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import orm

from academy.core.db import UTCDateTime, enum_column, utcnow
from academy.extensions import db


def localised(texts: dict[str, str] | None, locale: str, fallback: str = "fi") -> str:
    """The text in `locale`, else in the fallback language, else any text there is."""
    texts = texts or {}
    return texts.get(locale) or texts.get(fallback) or next(iter(texts.values()), "")


class AssignmentKind(enum.Enum):
    """Who submits: each participant alone, or one submission per organisation team."""

    individual = "individual"
    team = "team"


class Programme(db.Model):
    """A programme (e.g. the KEINO Academy), identified by the slug of its curriculum folder."""

    __tablename__ = "programmes"

    id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
    #: folder name in curricula/, e.g. "keino-academy"
    slug: orm.Mapped[str] = orm.mapped_column(sa.String(100), unique=True)
    #: titles by language of the newest version
    titles: orm.Mapped[dict[str, str]] = orm.mapped_column(sa.JSON, default=dict)

    versions = orm.relationship(
        "ProgrammeVersion",
        back_populates="programme",
        lazy="raise",
        order_by="ProgrammeVersion.number",
    )

    def title(self, locale: str) -> str:
        return localised(self.titles, locale)


class ProgrammeVersion(db.Model):
    """An immutable snapshot of a curriculum, keyed by the hash of its files."""

    __tablename__ = "programme_versions"
    __table_args__ = (sa.UniqueConstraint("programme_id", "number"),)

    id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
    programme_id: orm.Mapped[int] = orm.mapped_column(
        sa.ForeignKey("programmes.id", ondelete="CASCADE"), index=True
    )
    #: 1, 2, 3 … in import order
    number: orm.Mapped[int]
    #: sha256 over the curriculum's files; the same content is never stored twice
    content_hash: orm.Mapped[str] = orm.mapped_column(sa.String(64), unique=True)
    #: titles by language
    titles: orm.Mapped[dict[str, str]] = orm.mapped_column(sa.JSON, default=dict)
    #: descriptions (Markdown) by language
    descriptions: orm.Mapped[dict[str, str]] = orm.mapped_column(sa.JSON, default=dict)
    #: the completion rule as written in programme.yaml
    completion_rule: orm.Mapped[dict[str, Any]] = orm.mapped_column(sa.JSON, default=dict)
    #: target-states.yaml as data, empty when the curriculum has none:
    #: {"source": {"titles": {lang: …}, "url": …},
    #:  "states": [{"key", "position", "labels": {lang: …}, "statements": {lang: …}}, …]}
    #: (nullable only so that adding it needed no table rebuild on SQLite; never None in use)
    target_states: orm.Mapped[dict[str, Any] | None] = orm.mapped_column(sa.JSON, default=dict)
    #: when it was imported
    imported_at: orm.Mapped[datetime] = orm.mapped_column(UTCDateTime(), default=utcnow)

    programme = orm.relationship("Programme", back_populates="versions", lazy="raise")
    modules = orm.relationship(
        "Module",
        back_populates="version",
        lazy="raise",
        order_by="Module.position",
        cascade="all, delete-orphan",
    )

    def title(self, locale: str) -> str:
        return localised(self.titles, locale)

    def target_state(self, key: str) -> dict[str, Any] | None:
        """The target state with this key, or None when the version has no such state."""
        for state in (self.target_states or {}).get("states", []):
            if state.get("key") == key:
                return state
        return None


class Module(db.Model):
    """One module of a programme version: teaching text, objectives and assignments."""

    __tablename__ = "modules"
    __table_args__ = (
        sa.UniqueConstraint("version_id", "slug"),
        sa.UniqueConstraint("version_id", "position"),
    )

    id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
    version_id: orm.Mapped[int] = orm.mapped_column(
        sa.ForeignKey("programme_versions.id", ondelete="CASCADE"), index=True
    )
    #: order in the programme, from 1
    position: orm.Mapped[int]
    #: e.g. "impact-goals"
    slug: orm.Mapped[str] = orm.mapped_column(sa.String(100))
    #: titles by language
    titles: orm.Mapped[dict[str, str]] = orm.mapped_column(sa.JSON, default=dict)
    #: one-paragraph summaries by language
    summaries: orm.Mapped[dict[str, str]] = orm.mapped_column(sa.JSON, default=dict)
    #: Markdown bodies by language; Finnish always present
    bodies: orm.Mapped[dict[str, str]] = orm.mapped_column(sa.JSON, default=dict)
    #: learning objectives by language: {"fi": ["…", …], …}
    objectives: orm.Mapped[dict[str, list[str]]] = orm.mapped_column(sa.JSON, default=dict)
    #: estimated study time
    estimated_hours: orm.Mapped[float] = orm.mapped_column(default=0)
    #: days from the cohort's start until the module opens, by default
    opens_after_days: orm.Mapped[int] = orm.mapped_column(default=0)
    #: attachment file names beside the module file, stored by content hash
    attachments: orm.Mapped[dict[str, str]] = orm.mapped_column(sa.JSON, default=dict)

    version = orm.relationship("ProgrammeVersion", back_populates="modules", lazy="raise")
    assignments = orm.relationship(
        "AssignmentSpec",
        back_populates="module",
        lazy="raise",
        order_by="AssignmentSpec.position",
        cascade="all, delete-orphan",
    )

    def title(self, locale: str) -> str:
        return localised(self.titles, locale)


class AssignmentSpec(db.Model):
    """An assignment as the curriculum defines it: instructions, kind, rubric, peer review."""

    __tablename__ = "assignment_specs"
    __table_args__ = (sa.UniqueConstraint("module_id", "slug"),)

    id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
    module_id: orm.Mapped[int] = orm.mapped_column(
        sa.ForeignKey("modules.id", ondelete="CASCADE"), index=True
    )
    #: order within the module, from 1
    position: orm.Mapped[int]
    #: unique within the programme version, e.g. "maturity-baseline"
    slug: orm.Mapped[str] = orm.mapped_column(sa.String(100))
    #: titles by language
    titles: orm.Mapped[dict[str, str]] = orm.mapped_column(sa.JSON, default=dict)
    #: instructions (Markdown) by language
    instructions: orm.Mapped[dict[str, str]] = orm.mapped_column(sa.JSON, default=dict)
    #: individual or team
    kind: orm.Mapped[AssignmentKind] = orm.mapped_column(enum_column(AssignmentKind))
    #: counts towards completion
    required: orm.Mapped[bool] = orm.mapped_column(default=True)
    #: [{"slug", "titles", "levels": [{"slug", "points", "titles", "descriptions"}]}]
    rubric: orm.Mapped[list[dict[str, Any]]] = orm.mapped_column(sa.JSON, default=list)
    #: {"reviews_per_submission", "anonymous", "other_organisations_only", "required"} or {}
    peer_review: orm.Mapped[dict[str, Any]] = orm.mapped_column(sa.JSON, default=dict)
    #: default days from the module opening: {"due": 14, "review_due": 21, "cut_off": 28}
    default_offsets: orm.Mapped[dict[str, int]] = orm.mapped_column(sa.JSON, default=dict)

    module = orm.relationship("Module", back_populates="assignments", lazy="raise")

    def title(self, locale: str) -> str:
        return localised(self.titles, locale)
