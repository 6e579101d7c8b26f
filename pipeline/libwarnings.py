"""What libraries log or warn while a document is read: caught per document, kept off the terminal.

pdfminer logs "Could not get FontBBox from font descriptor…" for every such font of a browser-printed PDF, and
other libraries warn about fonts, encodings or deprecations. The per-document task (executors.run_one) catches
them, in whichever process extracts the document; the commands write them to their log file and count them in
their summary (ogi extract: OUT/logs/extract-*.log, ogi run: its run log), and print them only with --verbose.
"""

from __future__ import annotations

import logging
import warnings
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

Notice = tuple[str, str, int]  # (logger name or warning category, message, times)


class _Collector(logging.Handler):
    def __init__(self, into: Counter) -> None:
        super().__init__(logging.WARNING)
        self.into = into

    def emit(self, record: logging.LogRecord) -> None:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a library's bad format string is still a notice
            message = str(record.msg)
        self.into[(record.name, message)] += 1


@contextmanager
def caught() -> Iterator[list[Notice]]:
    """Collect the WARNING-and-above log records and the Python warnings raised inside; the list yielded is
    filled when the block ends (one Notice per distinct message, with its count)."""
    counts: Counter = Counter()
    handler = _Collector(counts)
    root = logging.getLogger()
    root.addHandler(handler)  # with a handler on the root, logging's last resort (stderr) stays silent
    notices: list[Notice] = []
    try:
        with warnings.catch_warnings(record=True) as raised:
            warnings.simplefilter("always")
            try:
                yield notices
            finally:
                for w in raised:
                    counts[(w.category.__name__, str(w.message))] += 1
    finally:
        root.removeHandler(handler)
        notices.extend((source, message, n) for (source, message), n in counts.items())


def count(notices: Iterable[Notice]) -> Counter:
    """Notices per source (logger name or warning category)."""
    out: Counter = Counter()
    for source, _message, n in notices:
        out[source] += n
    return out


def describe(by_source: Counter) -> str:
    """'32 (pdfminer.pdffont 32)': the total and the sources, most frequent first."""
    total = sum(by_source.values())
    return f"{total} ({', '.join(f'{s} {n}' for s, n in by_source.most_common())})" if total else "0"
