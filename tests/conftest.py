"""Shared fixtures: the real corpus (../shared beside the checkout, located by pipeline.devdata) and helpers."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

from pipeline import devdata
from pipeline.devdata import CORPUS, LEGACY_SCORER, REPO, SCORER, SHARED

# CI runs the property tests derandomized (the same examples every run); locally each run explores new ones.
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")

__all__ = ["CORPUS", "LEGACY_SCORER", "REPO", "SCORER", "SHARED", "corpus_file"]


def corpus_file(name: str) -> Path:
    """A file of the real corpus (pipeline.devdata); skips the calling test, saying why, when it is absent."""
    path = devdata.corpus_file(name)
    if path is None:
        pytest.skip(f"corpus file {name} not in {CORPUS}" if CORPUS.is_dir() else devdata.ABSENT)
    return path


@pytest.fixture(scope="session")
def corpus() -> Path:
    if not CORPUS.is_dir():
        pytest.skip(devdata.ABSENT)
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
