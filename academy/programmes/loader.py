"""Read a curriculum folder, check it against curricula/README.md, and say where it is wrong.

`check(path)` reads a curriculum folder and returns a report: the curriculum when it is valid,
the errors that make it invalid and the warnings that do not (a text not yet translated into a
language the programme declares "partial"). Each carries the file and the real line it
concerns: YAML node marks map a pydantic error location back to the line of the offending key,
and Markdown token maps give the line in a body. `validate(path)` is the short form that
callers use to import: the curriculum, or None and the errors.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import yaml
from pydantic import BaseModel, ValidationError
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from academy.core import markdown
from academy.programmes import parity, schema

#: file types that may be attached to modules, by extension
ATTACHMENT_EXTENSIONS = frozenset(
    {".pdf", ".xlsx", ".docx", ".pptx", ".odt", ".ods", ".csv", ".txt", ".png", ".jpeg", ".jpg"}
)
TRANSLATION_LANGUAGES = ("sv", "en")
_MODULE_FILE = re.compile(r"^(\d{2})-([a-z0-9]+(?:-[a-z0-9]+)*)\.md$")
_TRANSLATION_FILE = re.compile(r"^(\d{2}-[a-z0-9]+(?:-[a-z0-9]+)*)\.(sv|en)\.md$")
_FORBIDDEN_SCHEMES = ("javascript", "vbscript", "data", "file")
_ALLOWED_SCHEMES = ("http", "https", "mailto")


#: the curriculum's data file of the national strategy's target states (optional)
TARGET_STATES_FILE = "target-states.yaml"


@dataclass(frozen=True, order=True)
class Problem:
    """Something wrong in a curriculum, where an author can find it."""

    #: path relative to the curriculum folder's parent, e.g. "keino-academy/modules/03-x.md"
    file: str
    #: line in that file, from 1
    line: int
    #: what is wrong
    message: str
    #: "error" (the curriculum cannot be imported) or "warning" (it can)
    severity: str = "error"

    @property
    def is_warning(self) -> bool:
        return self.severity == "warning"

    def __str__(self) -> str:
        marker = "warning: " if self.is_warning else ""
        return f"{self.file}:{self.line}: {marker}{self.message}"


@dataclass
class ModuleSource:
    """One module as read from its files."""

    #: order in the programme, from 1
    position: int
    #: e.g. "impact-goals"
    slug: str
    #: "modules/03-impact-goals.md", relative to the curriculum folder
    file: str
    front: schema.ModuleFrontMatter
    #: Markdown bodies by language; "fi" always present
    bodies: dict[str, str]
    #: the line in its file where each body (as stored in `bodies`) starts
    body_lines: dict[str, int] = field(default_factory=dict)
    #: attachment file names the module's texts link to
    attachments: set[str] = field(default_factory=set)
    #: the front matter's YAML nodes, to point at lines in cross-module checks
    front_yaml: _Yaml | None = field(default=None, repr=False, compare=False)


@dataclass
class Curriculum:
    """A valid curriculum, ready to import."""

    root: Path
    programme: schema.Programme
    modules: list[ModuleSource]
    #: attachment file name → path on disk
    attachments: dict[str, Path]
    #: sha256 over the relative paths and bytes of every file in the folder
    content_hash: str
    #: target-states.yaml, when the curriculum has one
    target_states: schema.TargetStates | None = None
    #: texts that are not yet translated (languages declared "partial")
    warnings: list[Problem] = field(default_factory=list)

    @property
    def slug(self) -> str:
        return self.programme.slug

    @property
    def assignment_count(self) -> int:
        return sum(len(module.front.assignments) for module in self.modules)


# --- YAML with line numbers -------------------------------------------------------------------


@dataclass
class _Yaml:
    """A parsed YAML document and its node tree; lines are counted from `first_line`."""

    data: Any
    node: Node | None
    first_line: int

    def find(self, loc: Iterable[Any]) -> tuple[Node | None, int]:
        """The node at `loc` (None when it is not there) and the line to blame.

        The line is that of the last key on the path that exists: the offending key itself,
        or the mapping that lacks a required key.
        """
        node = self.node
        if node is None:
            return None, self.first_line
        line = node.start_mark.line
        for part in loc:
            if isinstance(node, MappingNode):
                for key, value in node.value:
                    if isinstance(key, ScalarNode) and key.value == str(part):
                        line, node = key.start_mark.line, value
                        break
                else:
                    return None, self.first_line + line
            elif isinstance(node, SequenceNode) and isinstance(part, int):
                if not 0 <= part < len(node.value):
                    return None, self.first_line + line
                node = node.value[part]
                line = node.start_mark.line
            else:
                return None, self.first_line + line
        return node, self.first_line + line

    def line(self, loc: Iterable[Any]) -> int:
        return self.find(loc)[1]

    def text_line(self, loc: Iterable[Any]) -> int:
        """The file line where the text of a scalar at `loc` starts (after `|` or `>`)."""
        node, line = self.find(loc)
        if isinstance(node, ScalarNode):
            block = node.style in ("|", ">")
            return self.first_line + node.start_mark.line + (1 if block else 0)
        return line


def _parse_yaml(text: str, first_line: int) -> _Yaml:
    """Parse one YAML document keeping its nodes; raises yaml.YAMLError."""
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    finally:
        loader.dispose()
    return _Yaml(data, node, first_line)


def _duplicate_keys(node: Node | None) -> Iterator[tuple[int, str]]:
    """(line, key) of every key repeated in a mapping: PyYAML would silently keep the last."""
    if isinstance(node, MappingNode):
        seen: set[str] = set()
        for key, value in node.value:
            if isinstance(key, ScalarNode):
                if key.value in seen:
                    yield key.start_mark.line, key.value
                seen.add(key.value)
            yield from _duplicate_keys(value)
    elif isinstance(node, SequenceNode):
        for item in node.value:
            yield from _duplicate_keys(item)


def _format_loc(loc: Iterable[Any]) -> str:
    """("assignments", 0, "rubric") → "assignments[0].rubric"."""
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _error_message(error: dict[str, Any], loc: tuple[Any, ...]) -> str:
    """A pydantic error in an author's words, prefixed with the key path it concerns."""
    if error["type"] == "missing":
        parent, message = loc[:-1], f"missing required key '{loc[-1]}'"
    elif error["type"] == "extra_forbidden":
        parent, message = loc[:-1], f"unknown key '{loc[-1]}'"
    else:
        parent, message = loc, error["msg"]
    where = _format_loc(parent)
    return f"{where}: {message}" if where else message


# --- the checker ------------------------------------------------------------------------------


class _Checker:
    """Collects the problems of one curriculum folder."""

    def __init__(self, root: Path):
        self.root = root
        self.problems: list[Problem] = []
        self.attachments: dict[str, Path] = {}

    def add(self, rel: str, line: int, message: str) -> None:
        self.problems.append(Problem(f"{self.root.name}/{rel}", max(line, 1), message))

    def warn(self, rel: str, line: int, message: str) -> None:
        self.problems.append(
            Problem(f"{self.root.name}/{rel}", max(line, 1), message, severity="warning")
        )

    def load_yaml(self, rel: str, text: str, first_line: int) -> _Yaml | None:
        """Parse YAML, reporting a syntax error at the parser's line and duplicate keys."""
        try:
            document = _parse_yaml(text, first_line)
        except yaml.MarkedYAMLError as error:
            mark = error.problem_mark or error.context_mark
            line = first_line + (mark.line if mark else 0)
            what = error.problem or error.context or "cannot be read"
            self.add(rel, line, f"YAML syntax error: {what}")
            return None
        except yaml.YAMLError as error:
            self.add(rel, first_line, f"YAML syntax error: {error}")
            return None
        for line, key in _duplicate_keys(document.node):
            self.add(rel, first_line + line, f"key '{key}' appears twice")
        return document

    def model(self, rel: str, document: _Yaml, cls: type[BaseModel]) -> Any:
        """Validate a document against a schema model; report each error at its key's line."""
        if not isinstance(document.data, dict):
            self.add(rel, document.first_line, "expected a mapping of keys and values")
            return None
        try:
            return cls.model_validate(document.data)
        except ValidationError as errors:
            for error in errors.errors():
                loc = tuple(error["loc"]) + tuple((error.get("ctx") or {}).get("at", ()))
                self.add(rel, document.line(loc), _error_message(error, loc))
            return None

    def markdown(self, rel: str, text: str, first_line: int, referenced: set[str]) -> None:
        """Refuse raw HTML and dangerous or broken links; collect the attachments linked to."""
        for finding in markdown.inspect(text):
            line = first_line + finding.line
            if finding.kind == "html":
                snippet = " ".join(finding.value.split())[:60]
                self.add(rel, line, f"raw HTML is not allowed in Markdown: {snippet}")
                continue
            problem = self._link_problem(finding.value, referenced)
            if problem:
                self.add(rel, line, problem)

    def _link_problem(self, url: str, referenced: set[str]) -> str | None:
        compact = re.sub(r"[\x00-\x20]", "", url)
        parts = urlsplit(compact)
        scheme = parts.scheme.lower()
        if scheme in _FORBIDDEN_SCHEMES:
            return f"{scheme}: URLs are not allowed: {url[:60]}"
        if scheme in _ALLOWED_SCHEMES:
            return None
        if scheme:
            return f"URL scheme '{scheme}:' is not allowed (use http, https or mailto): {url[:60]}"
        if parts.netloc:
            return f"write the full address with https://: {url[:60]}"
        if not parts.path:  # "#section" within the page
            return None
        path = unquote(parts.path)
        name = path.removeprefix("attachments/")
        if name == path or not name or "/" in name:
            return f"a relative link must point to a file in attachments/: {url[:60]}"
        if name not in self.attachments:
            return f"link to a missing attachment: attachments/{name}"
        referenced.add(name)
        return None


def content_hash(root: Path) -> str:
    """sha256 over the sorted relative paths and the bytes of every file in the folder."""
    digest = hashlib.sha256()
    for path in sorted(_files(root), key=lambda p: p.relative_to(root).as_posix()):
        data = path.read_bytes()
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(b"\0" + str(len(data)).encode() + b"\0")
        digest.update(data)
    return digest.hexdigest()


def _files(root: Path) -> list[Path]:
    return [path for path in root.rglob("*") if path.is_file() or path.is_symlink()]


def _split_front_matter(text: str) -> tuple[str, str, int] | None:
    """(front matter, body, file line where the body starts), or None without front matter.

    Raises ValueError when the front matter is opened but never closed.
    """
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].strip() != "---":
        return None
    for index in range(1, len(lines)):
        if lines[index].strip() == "---":
            return "".join(lines[1:index]), "".join(lines[index + 1 :]), index + 2
    raise ValueError("front matter is not closed with a line '---'")


def _read_text(checker: _Checker, path: Path, rel: str) -> str | None:
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as error:
        checker.add(rel, 1, f"not UTF-8 text: {error.reason}")
        return None


@dataclass
class Report:
    """What checking a curriculum folder found."""

    #: the curriculum, when it has no errors
    curriculum: Curriculum | None
    #: problems that keep the curriculum from being imported, by file and line
    errors: list[Problem]
    #: problems that do not (texts not yet translated), by file and line
    warnings: list[Problem]


def validate(path: str | Path) -> tuple[Curriculum | None, list[Problem]]:
    """Check a curriculum folder: the curriculum when valid, else None and every error.

    Warnings do not make a curriculum invalid; they are on `curriculum.warnings` (and in
    `check(path)`, which also gives them for a curriculum that has errors).
    """
    report = check(path)
    return report.curriculum, report.errors


def check(path: str | Path) -> Report:
    """Check a curriculum folder against curricula/README.md: errors and warnings."""
    root = Path(path).resolve()
    checker = _Checker(root)
    if not root.is_dir():
        checker.add("", 1, "not a folder")
        return Report(None, checker.problems, [])

    finnish: dict[str, Path] = {}
    translations: dict[tuple[str, str], Path] = {}
    for file in sorted(_files(root)):
        rel = file.relative_to(root).as_posix()
        parts = rel.split("/")
        if file.is_symlink():
            checker.add(rel, 1, "symbolic links are not allowed in a curriculum")
        elif rel in ("programme.yaml", TARGET_STATES_FILE):
            pass
        elif len(parts) == 3 and parts[:2] == ["modules", "attachments"]:
            if file.suffix.lower() in ATTACHMENT_EXTENSIONS:
                checker.attachments[parts[2]] = file
            else:
                allowed = ", ".join(sorted(e.lstrip(".").upper() for e in ATTACHMENT_EXTENSIONS))
                checker.add(rel, 1, f"this file type may not be attached; allowed: {allowed}")
        elif len(parts) == 2 and parts[0] == "modules" and _MODULE_FILE.match(parts[1]):
            finnish[parts[1].removesuffix(".md")] = file
        elif len(parts) == 2 and parts[0] == "modules" and _TRANSLATION_FILE.match(parts[1]):
            match = _TRANSLATION_FILE.match(parts[1])
            assert match is not None
            translations[(match[1], match[2])] = file
        else:
            checker.add(
                rel,
                1,
                f"unexpected file: a curriculum holds programme.yaml, {TARGET_STATES_FILE}, "
                "modules/NN-slug.md (+ .sv.md, .en.md) and modules/attachments/",
            )

    programme, order = _check_programme(checker, root, finnish)
    modules = _check_modules(checker, order, finnish, translations)
    _check_assignment_slugs(checker, modules)
    languages = programme.languages if programme is not None else schema.Languages()
    for module in modules:
        parity.check_module(checker, module, languages)
    target_states = _check_target_states(checker, root)

    errors = sorted(p for p in checker.problems if not p.is_warning)
    warnings = sorted(p for p in checker.problems if p.is_warning)
    if errors or programme is None:
        return Report(None, errors, warnings)
    curriculum = Curriculum(
        root=root,
        programme=programme,
        modules=modules,
        attachments=dict(sorted(checker.attachments.items())),
        content_hash=content_hash(root),
        target_states=target_states,
        warnings=warnings,
    )
    return Report(curriculum, [], warnings)


def _check_target_states(checker: _Checker, root: Path) -> schema.TargetStates | None:
    """Check target-states.yaml when the curriculum has one."""
    path = root / TARGET_STATES_FILE
    if not path.is_file():
        return None
    text = _read_text(checker, path, TARGET_STATES_FILE)
    document = checker.load_yaml(TARGET_STATES_FILE, text, 1) if text is not None else None
    if document is None:
        return None
    return checker.model(TARGET_STATES_FILE, document, schema.TargetStates)


def _check_programme(
    checker: _Checker, root: Path, finnish: dict[str, Path]
) -> tuple[schema.Programme | None, list[str]]:
    """Check programme.yaml and the module order; returns the programme and the module files
    to read, in order (the listed ones first, then any the list forgot)."""
    rel = "programme.yaml"
    fallback = sorted(finnish)
    if not (root / rel).is_file():
        checker.add(rel, 1, "programme.yaml is missing")
        return None, fallback
    text = _read_text(checker, root / rel, rel)
    document = checker.load_yaml(rel, text, 1) if text is not None else None
    if document is None:
        return None, fallback
    programme = checker.model(rel, document, schema.Programme)
    if programme is None:
        return None, fallback

    if programme.slug != root.name:
        checker.add(
            rel,
            document.line(("slug",)),
            f"slug '{programme.slug}' must be the folder's name, '{root.name}'",
        )
    for lang in schema.LANGUAGES:
        line = document.text_line(("description", lang))
        checker.markdown(rel, getattr(programme.description, lang), line, set())

    order: list[str] = []
    slugs: dict[str, str] = {}
    for index, entry in enumerate(programme.modules):
        line = document.line(("modules", index))
        number, slug = entry[:2], entry[3:]
        if entry in order:
            checker.add(rel, line, f"module '{entry}' is listed twice")
            continue
        if entry not in finnish:
            checker.add(rel, line, f"module file modules/{entry}.md does not exist")
        elif int(number) != index + 1:
            checker.add(
                rel,
                line,
                f"module numbers must follow the order: '{entry}' is module {index + 1}, so its "
                f"file should be modules/{index + 1:02d}-{slug}.md",
            )
        if slug in slugs:
            checker.add(rel, line, f"module slug '{slug}' is used twice (also in '{slugs[slug]}')")
        slugs[slug] = entry
        order.append(entry)
    for stem in sorted(set(finnish) - set(order)):
        checker.add(rel, document.line(("modules",)), f"modules/{stem}.md is not listed in modules")
    completion = programme.completion.modules
    if isinstance(completion, int) and completion > len(programme.modules):
        checker.add(
            rel,
            document.line(("completion", "modules")),
            f"completion asks for {completion} modules but the programme has "
            f"{len(programme.modules)}",
        )
    listed = [stem for stem in order if stem in finnish]
    return programme, listed + sorted(set(finnish) - set(order))


def _check_modules(
    checker: _Checker,
    order: list[str],
    finnish: dict[str, Path],
    translations: dict[tuple[str, str], Path],
) -> list[ModuleSource]:
    """Check each module file and its translations; returns the modules that are valid."""
    modules = []
    for position, stem in enumerate(order, start=1):
        module = _check_module(checker, position, stem, finnish[stem])
        referenced = module.attachments if module else set()
        for lang in TRANSLATION_LANGUAGES:
            if (stem, lang) in translations:
                read = _check_translation(checker, translations[(stem, lang)], referenced)
                if read is not None and module is not None:
                    module.bodies[lang], module.body_lines[lang] = read
        if module is not None:
            modules.append(module)
    for (stem, lang), path in sorted(translations.items()):
        if stem not in finnish:
            checker.add(
                f"modules/{path.name}",
                1,
                f"translation ({lang}) without a Finnish file modules/{stem}.md",
            )
    return modules


def _check_module(checker: _Checker, position: int, stem: str, path: Path) -> ModuleSource | None:
    rel = f"modules/{path.name}"
    text = _read_text(checker, path, rel)
    if text is None:
        return None
    try:
        split = _split_front_matter(text)
    except ValueError as error:
        checker.add(rel, 1, str(error))
        return None
    if split is None:
        checker.add(rel, 1, "a module file must start with front matter between '---' lines")
        return None
    front_text, body, body_line = split
    document = checker.load_yaml(rel, front_text, 2)
    front = checker.model(rel, document, schema.ModuleFrontMatter) if document else None
    referenced: set[str] = set()
    if not body.strip():
        checker.add(rel, body_line - 1, "the Finnish body is missing after the front matter")
    checker.markdown(rel, body, body_line, referenced)
    if front is None or document is None:
        return None
    for index, assignment in enumerate(front.assignments):
        for lang, instructions in schema.texts(assignment.instructions).items():
            line = document.text_line(("assignments", index, "instructions", lang))
            checker.markdown(rel, instructions, line, referenced)
    stored, first_line = _stored_body(body, body_line)
    return ModuleSource(
        position=position,
        slug=stem[3:],
        file=rel,
        front=front,
        bodies={"fi": stored},
        body_lines={"fi": first_line},
        attachments=referenced,
        front_yaml=document,
    )


def _stored_body(text: str, first_line: int) -> tuple[str, int]:
    """A body without its surrounding blank lines, and the file line where it now starts."""
    stored = text.strip("\n")
    skipped = len(text) - len(text.lstrip("\n"))
    return stored, first_line + skipped


def _check_translation(
    checker: _Checker, path: Path, referenced: set[str]
) -> tuple[str, int] | None:
    rel = f"modules/{path.name}"
    text = _read_text(checker, path, rel)
    if text is None:
        return None
    if text.lstrip("\ufeff").startswith("---"):
        checker.add(rel, 1, "a translation file has a body only: front matter is not allowed")
        return None
    if not text.strip():
        checker.add(rel, 1, "the translation is empty")
        return None
    checker.markdown(rel, text, 1, referenced)
    return _stored_body(text.lstrip("\ufeff"), 1)


def _check_assignment_slugs(checker: _Checker, modules: list[ModuleSource]) -> None:
    """Assignment slugs are unique in the whole programme; the second use is reported."""
    seen: dict[str, str] = {}
    for module in modules:
        for index, assignment in enumerate(module.front.assignments):
            if assignment.slug in seen:
                line = module.front_yaml.line(("assignments", index, "slug"))
                checker.add(
                    module.file,
                    line,
                    f"assignment slug '{assignment.slug}' is used twice in the programme "
                    f"(also in {seen[assignment.slug]})",
                )
            else:
                seen[assignment.slug] = module.file
