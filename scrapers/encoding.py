"""Decode Chinese government pages (GBK/GB2312/GB18030, Big5/CP950/Big5-HKSCS, UTF-8) and read attachment
names. Undeclared GB and Big5 bytes are told apart as the pipeline's readers do (`docformats.charset`)."""

from __future__ import annotations

import re
from email.message import Message
from urllib.parse import unquote, unquote_to_bytes

from docformats import charset

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.I)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9_\-]+)""", re.I)

# GB2312 and GBK pages routinely contain characters only GB18030 defines; decode all three as GB18030.
_ALIASES = {"gb2312": "gb18030", "gbk": "gb18030", "gb_2312-80": "gb18030", "x-gbk": "gb18030",
            "cp936": "gb18030", "euc-cn": "gb18030", "utf8": "utf-8", "big5": "big5hkscs"}


def normalize_charset(name: str | None) -> str | None:
    """A Python codec name for a declared charset, or None when unknown."""
    if not name:
        return None
    name = name.strip().strip("\"'").lower()
    name = _ALIASES.get(name, name)
    try:
        import codecs

        return codecs.lookup(name).name
    except LookupError:
        return None


def header_charset(content_type: str | None) -> str | None:
    """The charset parameter of a Content-Type header."""
    if not content_type:
        return None
    msg = Message()
    msg["content-type"] = content_type
    return normalize_charset(msg.get_param("charset"))  # type: ignore[arg-type]


def sniff_charset(body: bytes) -> str | None:
    """The charset declared in the document itself (<meta> or XML declaration)."""
    head = body[:4096]
    m = _XML_ENCODING.search(head) or _META_CHARSET.search(head)
    return normalize_charset(m.group(1).decode("ascii")) if m else None


def detect_charset(body: bytes) -> str:
    """Best guess for undeclared bytes: strict UTF-8, else GB18030 or Big5, whichever decoding reads as text
    (`docformats.charset.guess_cjk`)."""
    sample = body[:200_000]
    try:
        sample.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        if exc.start > len(sample) - 4 and len(body) > len(sample):  # cut inside a multibyte sequence
            return "utf-8"
    return charset.guess_cjk(body)


def _decodes(body: bytes, codec: str) -> bool:
    try:
        body.decode(codec)
        return True
    except UnicodeDecodeError:
        return False


def decode_html(body: bytes, content_type: str | None = None) -> tuple[str, str]:
    """Decode a page: header charset, then <meta>, then detection. Returns (text, codec used).

    A declared charset that does not decode the bytes (common: header says UTF-8, page is GBK) is
    skipped in favour of the next clue.
    """
    if body.startswith(b"\xef\xbb\xbf"):
        return body[3:].decode("utf-8", errors="replace"), "utf-8"
    for codec in (header_charset(content_type), sniff_charset(body)):
        if codec and _decodes(body, codec):
            better = charset.check_declared(body, codec)  # a GB page declared Big5, or the reverse
            return (body.decode(codec), codec) if better == codec else (body.decode(better, "replace"), better)
    codec = detect_charset(body)
    return body.decode(codec, errors="replace"), codec


def _fix_mojibake(name: str) -> str:
    """Header values arrive as latin-1; recover the raw bytes and decode as UTF-8 or GB18030."""
    try:
        raw = name.encode("latin-1")
    except UnicodeEncodeError:
        return name
    for codec in ("utf-8", "gb18030"):
        try:
            return raw.decode(codec)
        except UnicodeDecodeError:
            continue
    return name


def filename_from_disposition(value: str | bytes | None) -> str | None:
    """The file name in a Content-Disposition header (RFC 6266 ``filename*``, raw UTF-8 or GBK bytes,
    or percent-encoded), reduced to a bare name. Only for display and the manifest: never a path."""
    if not value:
        return None
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    m = re.search(r"filename\*\s*=\s*([\w\-]+)'[^']*'([^;]+)", text, re.I)
    if m:
        charset = normalize_charset(m.group(1)) or "utf-8"
        name = unquote_to_bytes(m.group(2).strip().strip('"')).decode(charset, errors="replace")
    else:
        m = re.search(r'filename\s*=\s*"([^"]*)"', text, re.I) or re.search(r"filename\s*=\s*([^;]+)", text, re.I)
        if not m:
            return None
        name = _fix_mojibake(m.group(1).strip())
        if "%" in name:
            raw = unquote_to_bytes(name)
            for codec in ("utf-8", "gb18030"):
                try:
                    name = raw.decode(codec)
                    break
                except UnicodeDecodeError:
                    continue
            else:
                name = unquote(name)
    return safe_name(name)


def safe_name(name: str) -> str | None:
    """The last path component of a remote name, without control characters; None if nothing is left."""
    name = re.split(r"[\\/]", name)[-1]
    name = "".join(ch for ch in name if ch >= " " and ch != "\x7f").strip().strip(".")
    return name[:200] or None
