"""Execute a study (a Jupytext .py or an .ipynb) with nbclient on this interpreter, without installing a kernel.

    python -m pipeline.analysis.run notebooks/01_cross_district.py [-o out.ipynb]

The kernel is `sys.executable` through a kernelspec written to a temporary JUPYTER_PATH (also the runtime and
IPython folders are temporary), so a user-level `python3` kernelspec cannot take over and nothing is
registered anywhere. Needs jupytext, nbclient, nbformat and ipykernel.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.analysis.release import PROJECT_ROOT

if TYPE_CHECKING:
    from nbformat import NotebookNode

KERNEL = "ogi-reports-venv"
# Variables set for the run; MPLBACKEND is removed so that the kernel keeps its inline backend (figures).
_CLEARED = ("MPLBACKEND",)


@contextmanager
def _environment(env: Mapping[str, str]) -> Iterator[None]:
    old = {k: os.environ.get(k) for k in (*env, *_CLEARED)}
    os.environ.update(env)
    for k in _CLEARED:
        os.environ.pop(k, None)
    try:
        yield
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


@contextmanager
def private_kernel() -> Iterator[dict[str, str]]:
    """A temporary kernelspec KERNEL for sys.executable; yields the environment that makes Jupyter find it."""
    with tempfile.TemporaryDirectory(prefix="ogi-kernel-") as tmp:
        spec = Path(tmp) / "data" / "kernels" / KERNEL
        spec.mkdir(parents=True)
        (spec / "kernel.json").write_text(json.dumps({
            "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
            "display_name": "ogi-reports (this interpreter)", "language": "python"}), encoding="utf-8")
        yield {"JUPYTER_PATH": str(Path(tmp) / "data"), "JUPYTER_RUNTIME_DIR": str(Path(tmp) / "runtime"),
               "IPYTHONDIR": str(Path(tmp) / "ipython"), "JUPYTER_PLATFORM_DIRS": "1"}


def read_notebook(path: Path | str) -> NotebookNode:
    """A notebook from a Jupytext percent-format .py (converted in memory) or an .ipynb."""
    import jupytext

    path = Path(path)
    fmt = "py:percent" if path.suffix == ".py" else None
    return jupytext.reads(path.read_text(encoding="utf-8"), fmt=fmt) if fmt else jupytext.read(path)


def execute(nb: NotebookNode, *, env: Mapping[str, str] | None = None, cwd: Path | str = PROJECT_ROOT,
            timeout: float = 120) -> NotebookNode:
    """Run every cell of `nb` (a NotebookNode) in place on this interpreter; raises CellExecutionError on error."""
    from jupyter_client import KernelManager
    from nbclient import NotebookClient

    with private_kernel() as jupyter, _environment({**jupyter, **(env or {})}):
        # IPC sockets in the temporary runtime folder on Linux (no TCP ports, no unencrypted-TCP warning) when
        # its path leaves room under the 107-byte socket-path limit; TCP on localhost otherwise.
        runtime = jupyter["JUPYTER_RUNTIME_DIR"]
        if sys.platform.startswith("linux") and len(runtime) <= 80:
            Path(runtime).mkdir(parents=True, exist_ok=True)
            km = KernelManager(kernel_name=KERNEL, transport="ipc", ip=str(Path(runtime) / "k"))
        else:
            km = KernelManager(kernel_name=KERNEL)
        client = NotebookClient(nb, km=km, kernel_name=KERNEL, timeout=timeout, allow_errors=False,
                                resources={"metadata": {"path": str(cwd)}})
        client.execute()
    return nb


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipeline.analysis.run", description=__doc__.split("\n")[0])
    parser.add_argument("notebook", nargs="+", type=Path, help="a .py (Jupytext percent format) or .ipynb")
    parser.add_argument("-o", "--out", type=Path, help="write the executed notebook here (one input only)")
    args = parser.parse_args(argv)
    if args.out and len(args.notebook) > 1:
        parser.error("--out takes one notebook")
    import nbformat
    from nbclient.exceptions import CellExecutionError

    status = 0
    for path in args.notebook:
        nb = read_notebook(path)
        try:
            execute(nb)
            print(f"ok      {path}")
        except CellExecutionError as exc:
            print(f"failed  {path}\n{exc}", file=sys.stderr)
            status = 1
        if args.out:
            nbformat.write(nb, args.out)
    return status


if __name__ == "__main__":
    raise SystemExit(main())
