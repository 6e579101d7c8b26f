"""Every study in notebooks/ runs end to end (nbclient) against a generated release, on this venv's Python.

The notebooks' source of truth is the Jupytext percent-format .py file: it is converted in memory. The
kernel is this interpreter (`pipeline.analysis.run`: a kernelspec in a temporary JUPYTER_PATH naming
sys.executable), so no kernelspec needs to be installed anywhere and a user-level `python3` kernel cannot
take over.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
import pytest
from nbclient.exceptions import CellExecutionError

from pipeline.analysis import build_sample_release
from pipeline.analysis.run import execute, read_notebook

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9]*.py"))


@pytest.fixture(scope="module")
def release(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_sample_release(tmp_path_factory.mktemp("release"))


def test_there_are_at_least_three_studies():
    assert len(NOTEBOOKS) >= 3, NOTEBOOKS


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs(path: Path, release: Path, monkeypatch: pytest.MonkeyPatch):
    for k in ("OGI_YEAR", "OGI_PLACE", "OGI_FIGURES"):
        monkeypatch.delenv(k, raising=False)
    nb = read_notebook(path)
    nb.cells.append(nbformat.v4.new_code_cell("import sys; print('KERNEL-PREFIX', sys.prefix)"))
    try:
        execute(nb, env={"OGI_RELEASE": str(release)}, cwd=ROOT)
    except CellExecutionError as exc:
        pytest.fail(f"{path.name} failed:\n{exc}")
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    text = "".join(o.get("text", "") for o in outputs if o.get("output_type") == "stream")
    assert f"KERNEL-PREFIX {sys.prefix}" in text, "the kernel must be this virtualenv's Python"
    assert "generated sample release" not in text, "OGI_RELEASE was given: the notebook must use it"
    assert any("image/png" in o.get("data", {}) for o in outputs), f"{path.name} draws no figure"


def test_a_failing_cell_fails(tmp_path: Path):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("raise ValueError('boom')")])
    with pytest.raises(CellExecutionError, match="boom"):
        execute(nb, cwd=tmp_path)
