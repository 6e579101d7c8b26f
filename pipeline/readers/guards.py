"""Checks on a document before any reader parses it: how it is read from disk, its size, and zip packages.

- `read_input(path)`: a document's bytes, or InputError with a clear message for what is not a readable
  regular file (a directory, a FIFO, a device, a socket, a path with a NUL byte, an unreadable file) or is
  larger than `max_input_bytes()`. The file is opened without blocking and checked on the open descriptor,
  so a FIFO or a device put in its place cannot hang or exhaust the reader (`/dev/zero` is refused, not read).
- `check_size(kind, n)`: documents larger than their format's limit (text and HTML far smaller than PDFs).
- `check_zip_directory(data)`: a zip whose member list alone is too large to open (checked from its end record);
- `check_zip(data)`: a zip package (.docx, .xlsx, .odt, … any format the registry marks as zip-based, or any
  bytes starting with the zip signature) whose members would inflate past `zip_max_total()` bytes in all,
  or one of whose large members is compressed more than `zip_max_ratio()` : 1 (a zip bomb), is refused
  before any reader opens it. The sizes are the ones the package declares; Python's zipfile, which every
  zip-based reader here uses, never inflates a member beyond its declared size (a lie ends in a CRC error).

Limits come from the environment (OGI_MAX_INPUT_BYTES, OGI_MAX_TEXT_BYTES, OGI_ZIP_MAX_TOTAL,
OGI_ZIP_MAX_RATIO), so tests and small machines can lower them.
"""

from __future__ import annotations

import io
import os
import stat
import struct
import zipfile
from pathlib import Path
from typing import Any

from pipeline.document import ReaderError

MAX_INPUT_BYTES = 256 * 2**20  # any document (a scanned PDF of 200 pages is ~100 MB)
MAX_TEXT_BYTES = 32 * 2**20  # text and HTML: a report page is under 1 MB, a portal page with its chrome ~5 MB
ZIP_MAX_TOTAL = 256 * 2**20  # bytes all members of a zip package may inflate to (python-docx holds them all)
ZIP_MAX_RATIO = 400  # compression ratio of one member (Word XML compresses 10–50 : 1, a zip bomb ~1000 : 1)
ZIP_RATIO_FLOOR = 2**20  # members smaller than this inflated are never a danger, whatever their ratio
ZIP_MAX_MEMBERS = 20_000
ZIP_MAX_DIRECTORY = 4 * 2**20  # bytes of a zip's central directory: ZIP_MAX_MEMBERS members with long names
_TEXT_KINDS = ("text", "html")
_SPECIAL = ((stat.S_ISDIR, "a directory"), (stat.S_ISFIFO, "a named pipe (FIFO)"), (stat.S_ISSOCK, "a socket"),
            (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"))


class InputError(ReaderError):
    """A path that cannot be read as a document (the message says why)."""


def _env_int(name: str, default: int) -> int:
    from pipeline.workers import parse_bytes

    value = os.environ.get(name)
    if value is None:
        return default
    parsed = parse_bytes(value)
    return parsed if parsed is not None else 2**62


def max_input_bytes() -> int:
    return _env_int("OGI_MAX_INPUT_BYTES", MAX_INPUT_BYTES)


def max_text_bytes() -> int:
    return _env_int("OGI_MAX_TEXT_BYTES", MAX_TEXT_BYTES)


def zip_max_total() -> int:
    return _env_int("OGI_ZIP_MAX_TOTAL", ZIP_MAX_TOTAL)


def zip_max_ratio() -> float:
    value = os.environ.get("OGI_ZIP_MAX_RATIO")
    return float(value) if value else ZIP_MAX_RATIO


def size_text(n: float) -> str:
    """A byte count for messages: 1.5 GB, 20.0 MB, 300 KB, 12 bytes."""
    for unit, size in (("GB", 1e9), ("MB", 1e6), ("KB", 1e3)):
        if n >= size:
            return f"{n / size:.1f} {unit}" if unit != "KB" else f"{n / size:.0f} KB"
    return f"{int(n)} bytes"


def read_input(path: Any) -> bytes:
    """The bytes of a document file; InputError (a clear message) for anything that is not a readable regular
    file of at most max_input_bytes()."""
    try:
        name = os.fspath(path)
    except TypeError:
        raise InputError(f"not a file path: {type(path).__name__}") from None
    if isinstance(name, bytes):
        name = os.fsdecode(name)
    if "\x00" in name:
        raise InputError("invalid file name: it contains a NUL byte")
    try:
        fd = os.open(name, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0))
    except IsADirectoryError:
        raise InputError("is a directory, not a document") from None
    except OSError as exc:
        raise InputError(f"cannot read file: {exc.strerror or exc}") from None
    try:
        st = os.fstat(fd)
        for test, what in _SPECIAL:
            if test(st.st_mode):
                raise InputError(f"not a regular file: {what}")
        limit = max_input_bytes()
        if st.st_size > limit:
            raise InputError(f"file of {size_text(st.st_size)} is larger than the limit of {size_text(limit)} "
                             "per document (OGI_MAX_INPUT_BYTES)")
        os.set_blocking(fd, True)
        chunks, total = [], 0
        while True:
            chunk = os.read(fd, min(1 << 20, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if total > limit:  # it grew while being read
                raise InputError(f"file is larger than the limit of {size_text(limit)} per document "
                                 "(OGI_MAX_INPUT_BYTES)")
        return b"".join(chunks)
    except OSError as exc:
        raise InputError(f"cannot read file: {exc.strerror or exc}") from None
    finally:
        os.close(fd)


def path_problem(path: Path) -> str | None:
    """Why a path found in a folder is not a document to read (a special file), else None."""
    try:
        st = path.stat()
    except OSError as exc:
        return f"cannot read: {exc.strerror or exc}"
    for test, what in _SPECIAL:
        if test(st.st_mode):
            return f"not a regular file: {what}"
    return None


def check_size(kind: str, n: int) -> None:
    """ReaderError when a document of format `kind` (text, html, pdf, …) is larger than its limit."""
    limit = max_text_bytes() if kind in _TEXT_KINDS else max_input_bytes()
    if n > limit:
        env = "OGI_MAX_TEXT_BYTES" if kind in _TEXT_KINDS else "OGI_MAX_INPUT_BYTES"
        raise ReaderError(f"{kind} document of {size_text(n)} is larger than the limit of {size_text(limit)} for "
                          f"{kind} documents ({env}); a file this large is not one annual report")


def central_directory_size(data: bytes) -> int | None:
    """The size the end record of a zip declares for its central directory (zip64 too); None if not found."""
    i = data.rfind(b"PK\x05\x06", max(0, len(data) - (65535 + 22)))
    if i < 0 or i + 22 > len(data):
        return None
    (size,) = struct.unpack_from("<I", data, i + 12)
    j = i - 20
    if size == 0xFFFFFFFF and j >= 0 and data[j:j + 4] == b"PK\x06\x07":
        (end64,) = struct.unpack_from("<Q", data, j + 8)
        if end64 + 56 <= len(data) and data[end64:end64 + 4] == b"PK\x06\x06":
            (size,) = struct.unpack_from("<Q", data, end64 + 40)
    return size


def check_zip_directory(data: bytes) -> None:
    """ReaderError when a zip's central directory is too large to even list (millions of members take minutes
    and gigabytes to open): checked from its end record, before anything parses the directory."""
    size = central_directory_size(data)
    if size is not None and size > ZIP_MAX_DIRECTORY:
        raise ReaderError(f"zip package whose member list alone is {size_text(size)} (limit "
                          f"{size_text(ZIP_MAX_DIRECTORY)}): more members than any document has; not opened")


def check_zip(data: bytes) -> None:
    """ReaderError when a zip package is damaged or would inflate too far (see the module docstring)."""
    check_zip_directory(data)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError, NotImplementedError) as exc:
        raise ReaderError(f"damaged zip package: {exc}") from exc
    if len(infos) > ZIP_MAX_MEMBERS:
        raise ReaderError(f"zip package with {len(infos)} members, more than the limit of {ZIP_MAX_MEMBERS}")
    max_total, max_ratio = zip_max_total(), zip_max_ratio()
    total = 0
    for info in infos:
        size, packed = info.file_size, info.compress_size
        total += size
        if size > ZIP_RATIO_FLOOR and size > max_ratio * max(packed, 1):
            raise ReaderError(f"zip bomb: member {info.filename!r} would inflate {size_text(packed)} to "
                              f"{size_text(size)} ({size / max(packed, 1):.0f} : 1, limit {max_ratio:g} : 1); "
                              "not opened")
        if total > max_total:
            raise ReaderError(f"zip package would inflate to more than {size_text(max_total)} "
                              f"(at least {size_text(total)}; OGI_ZIP_MAX_TOTAL); not opened")
