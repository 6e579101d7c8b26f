"""Where the project's development data lives, for the tests, benchmarks and scripts: `../shared` beside the
checkout, holding the real corpus (`corpus/`, reports with hand-checked `*.truth.json` / `*.legacy.json`) and
its scorers (`tools/`). It is never copied into the repository; whatever reads it skips, or says so, when it is
absent."""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
CORPUS = SHARED / "corpus"
SCORER = SHARED / "tools" / "score.py"
LEGACY_SCORER = SHARED / "tools" / "score_legacy.py"
ABSENT = f"real corpus not present at {CORPUS} (CI places ../shared beside the checkout)"


def corpus_file(name: str) -> Path | None:
    """A file of the real corpus, or None when it (or the corpus) is not there."""
    path = CORPUS / name
    return path if path.is_file() else None


def corpus_files(*patterns: str) -> list[Path]:
    """The corpus files matching any of the glob patterns, sorted; [] when the corpus is absent."""
    if not CORPUS.is_dir():
        return []
    return sorted({p for pattern in patterns for p in CORPUS.glob(pattern) if p.is_file()})
