"""Fixtures for programmes: a copy of the valid test curriculum that a test may break."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

VALID = Path(__file__).parent / "data" / "valid" / "test-academy"
#: a one-module curriculum translated in full, declaring Swedish and English complete
PARITY = Path(__file__).parent / "data" / "valid" / "parity-academy"


class CurriculumCopy:
    """A writable copy of the test curriculum, with helpers to break it in one place."""

    def __init__(self, root: Path):
        self.root = root

    def __fspath__(self) -> str:
        return str(self.root)

    def file(self, rel: str) -> Path:
        return self.root / rel

    def read(self, rel: str) -> str:
        return self.file(rel).read_text("utf-8")

    def write(self, rel: str, text: str) -> None:
        self.file(rel).parent.mkdir(parents=True, exist_ok=True)
        self.file(rel).write_text(text, "utf-8")

    def replace(self, rel: str, old: str, new: str) -> None:
        """Replace `old` (which must occur once) with `new` in a file."""
        text = self.read(rel)
        assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in {rel}"
        self.write(rel, text.replace(old, new))

    def line_of(self, rel: str, needle: str, occurrence: int = 1) -> int:
        """The line (from 1) of the `occurrence`-th line containing `needle`."""
        found = [n for n, line in enumerate(self.read(rel).splitlines(), 1) if needle in line]
        return found[occurrence - 1]


@pytest.fixture
def curriculum(tmp_path) -> CurriculumCopy:
    """A fresh copy of tests/programmes/data/valid/test-academy in a temporary folder."""
    root = tmp_path / "test-academy"
    shutil.copytree(VALID, root)
    return CurriculumCopy(root)


@pytest.fixture
def trilingual(tmp_path) -> CurriculumCopy:
    """A fresh copy of tests/programmes/data/valid/parity-academy in a temporary folder."""
    root = tmp_path / "parity-academy"
    shutil.copytree(PARITY, root)
    return CurriculumCopy(root)
