"""LibreOffice run headless (`soffice --convert-to`): the one helper for every conversion through it.

The Word reader converts .doc/.wps/.odt/.rtf to .docx with it (pipeline.readers.docx); the generator exports
its Word files to PDF and .doc (pipeline.synth.render_docx), prints HTML pages (pipeline.synth.render_print)
and the demo exports its PDFs in one batch (pipeline.demo). Each call runs one soffice process with a profile
of its own in a temporary folder (so that parallel calls never share a lock) and HOME pointing there.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path

INSTALL_HINT = "apt-get install libreoffice-writer fonts-noto-cjk"


class LibreOfficeError(RuntimeError):
    """LibreOffice is missing, timed out or wrote no output."""


def soffice_path() -> str | None:
    """The LibreOffice executable on PATH (`soffice`, else `libreoffice`), or None."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert(sources: Sequence[Path], target: str, outdir: Path, timeout_s: float = 120) -> list[Path]:
    """Convert files with one LibreOffice process; returns the new files in the order of `sources`.

    target: an extension ("pdf", "doc", "docx") or a full filter spec ("docx:MS Word 2007 XML"); the output
    of `dir/name.ext` is `outdir/name.<target extension>`. LibreOfficeError when soffice is not installed,
    takes longer than timeout_s, or leaves a file unconverted.
    """
    soffice = soffice_path()
    if soffice is None:
        raise LibreOfficeError(f"LibreOffice (soffice) is not installed: {INSTALL_HINT}")
    names = ", ".join(s.name for s in sources[:3]) + (" …" if len(sources) > 3 else "")
    with tempfile.TemporaryDirectory(prefix="ogi-soffice-") as profile:
        cmd = [soffice, f"-env:UserInstallation={Path(profile).as_uri()}", "--headless", "--norestore",
               "--convert-to", target, "--outdir", str(outdir), *map(str, sources)]
        try:
            proc = subprocess.run(cmd, capture_output=True, timeout=timeout_s, check=False,
                                  env={**os.environ, "HOME": profile})
        except subprocess.TimeoutExpired as exc:
            raise LibreOfficeError(f"LibreOffice did not convert {names} within {timeout_s:g} s") from exc
    ext = target.split(":")[0]
    out = [outdir / f"{src.stem}.{ext}" for src in sources]
    missing = [src.name for src, o in zip(sources, out, strict=True) if not o.exists()]
    if proc.returncode != 0 or missing:
        detail = (proc.stderr or proc.stdout).decode("utf-8", "replace").strip()[:300]
        raise LibreOfficeError(f"LibreOffice could not convert {', '.join(missing) or names} to {ext}: "
                               f"{detail or 'no output'}")
    return out


def convert_bytes(documents: Sequence[bytes], suffix: str, target: str, timeout_s: float = 120) -> list[bytes]:
    """The converted bytes of documents given as bytes (all of type `suffix`, e.g. ".docx"), one process."""
    suffix = suffix if suffix.startswith(".") else "." + suffix
    with tempfile.TemporaryDirectory(prefix="ogi-convert-") as tmp:
        folder = Path(tmp)
        sources = []
        for i, body in enumerate(documents):
            src = folder / (f"input{suffix.lower()}" if len(documents) == 1 else f"d{i:04d}{suffix.lower()}")
            src.write_bytes(body)
            sources.append(src)
        outdir = folder / "out"
        outdir.mkdir()
        return [p.read_bytes() for p in convert(sources, target, outdir, timeout_s)]


__all__ = ["INSTALL_HINT", "LibreOfficeError", "convert", "convert_bytes", "soffice_path"]
