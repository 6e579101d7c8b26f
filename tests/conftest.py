"""Shared fixtures: where the real corpus lives (../shared beside the checkout) and helpers."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

# CI runs the property tests derandomized (the same examples every run); locally each run explores new ones.
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
CORPUS = SHARED / "corpus"
SCORER = SHARED / "tools" / "score.py"
LEGACY_SCORER = SHARED / "tools" / "score_legacy.py"


@pytest.fixture(scope="session")
def corpus() -> Path:
    if not CORPUS.is_dir():
        pytest.skip(f"real corpus not present at {CORPUS} (CI places ../shared beside the checkout)")
    return CORPUS


@pytest.fixture(scope="session")
def corpus_extracted(corpus, tmp_path_factory) -> Path:
    """`ogi extract` of the whole corpus once per session (its scans are OCR'd: tens of seconds)."""
    from typer.testing import CliRunner

    from pipeline.cli import app

    out = tmp_path_factory.mktemp("corpus_out")
    result = CliRunner().invoke(app, ["extract", str(corpus), "--out", str(out), "--quiet"])
    assert result.exit_code == 0, result.output
    return out
