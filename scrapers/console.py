"""Console output that is safe for outside strings (URLs, titles, file names, error messages, source ids).

rich reads `[...]` in a printed string as markup and `:name:` as an emoji code: a URL or file name holding
`[/]` makes console.print raise, and `[bold]` or `:warning:` in a title silently changes what the user sees.
Every string that comes from a document, a server, the file system or the registry goes through here:

- `markup(template, *values)`: our own markup with outside values filled in escaped (`{}` placeholders), as a
  `Text` (emoji codes are not replaced in a Text, whatever the console);
- `text(value, style)`: a rich `Text` (table cells), never parsed as markup;
- `esc(value)`: the value with markup escaped, for strings rich parses (prefer the two above);
- `plain_column()`: the progress-bar description column, which shows descriptions as plain text;
- `make_console()`: a console on stderr with emoji codes off, LOG_WIDTH wide when not a terminal;
- `make_progress()`: progress bars on a terminal, plain timestamped lines in a log (PlainProgress), none when
  quiet; `QuietOpt`, `VerboseOpt` and `verbosity()`: the --quiet/--verbose flags every command takes.

Lives in scrapers/ so that both packages use it (scrapers never import pipeline).
"""

from __future__ import annotations

import datetime
import time
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)
from rich.text import Text


def _plain(value: Any) -> str:
    return "" if value is None else str(value)


def esc(value: Any, width: int | None = None) -> str:
    """`value` with rich markup escaped; cut to `width` characters first (never inside an escape)."""
    s = _plain(value)
    return escape(s[:width] if width is not None else s)


def text(value: Any, style: str = "", width: int | None = None) -> Text:
    """A rich Text of `value` (no markup, no emoji codes), optionally cut to `width` characters."""
    s = _plain(value)
    return Text(s[:width] if width is not None else s, style=style)


def markup(template: str, *values: Any, **named: Any) -> Text:
    """`template` (trusted rich markup with `{}` / `{name}` placeholders) with the values escaped into it."""
    filled = template.format(*(escape(_plain(v)) for v in values), **{k: escape(_plain(v)) for k, v in named.items()})
    return Text.from_markup(filled, emoji=False)


def plain_column() -> TextColumn:
    """A progress-bar column showing each task's description as plain text (file names, URLs, source ids)."""
    return TextColumn("{task.description}", markup=False)




# ---- verbosity, and output that reads well in a log ---------------------------------------------------------
QUIET, NORMAL, VERBOSE = -1, 0, 1
LOG_WIDTH = 200  # columns of a console that is not a terminal (cron, CI, `> file`): tables are not squeezed
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="no progress, no summary tables: errors and the "
                                                              "final result only (cron)")]
VerboseOpt = Annotated[bool, typer.Option("--verbose", "-v", help="also a line per document or source, and the "
                                                                  "libraries' warnings")]


def verbosity(quiet: bool, verbose: bool) -> int:
    """QUIET, NORMAL or VERBOSE from the two flags every command takes (both: a usage error)."""
    if quiet and verbose:
        raise typer.BadParameter("--quiet and --verbose exclude each other")
    return QUIET if quiet else VERBOSE if verbose else NORMAL


def make_console(stderr: bool = True, **kwargs: Any) -> Console:
    """A rich Console for the command line: emoji codes are never replaced in what it prints; when it does not
    write to a terminal (a log file, a pipe) it is LOG_WIDTH columns wide, so tables keep their columns, and
    does not wrap lines."""
    kwargs.setdefault("emoji", False)
    console = Console(stderr=stderr, **kwargs)
    if not console.is_terminal:
        if "width" not in kwargs:
            console.width = max(console.width, LOG_WIDTH)
        console.soft_wrap = True  # a long line stays one line in a log (tables still fit the width)
    return console


class PlainProgress:
    """Progress as plain, timestamped lines for a console that is not a terminal (a cron log).

    The subset of rich.progress.Progress the commands use (add_task, update, advance, stop_task, a context
    manager). A task gets a line when it starts, at every tenth of its total, when it completes, when it is
    stopped or renamed after completing (a source's final status), and every `interval` seconds while it runs;
    descriptions are printed as plain text.
    """

    def __init__(self, console: Console, interval: float = 60.0) -> None:
        self.console = console
        self.interval = interval
        self._tasks: dict[int, dict[str, Any]] = {}

    def __enter__(self) -> PlainProgress:
        return self

    def __exit__(self, *exc: object) -> None:
        for task_id, t in self._tasks.items():
            if not t["done"]:
                self._line(task_id)

    def add_task(self, description: str, total: float | None = None, **_: Any) -> int:
        task_id = len(self._tasks)
        self._tasks[task_id] = {"description": description, "total": total, "completed": 0.0, "step": 0,
                                "at": time.monotonic(), "done": False, "printed": None}
        self._line(task_id)
        return task_id

    def update(self, task_id: int, *, total: float | None = None, completed: float | None = None,
               advance: float | None = None, description: str | None = None, **_: Any) -> None:
        t = self._tasks[task_id]
        if total is not None:
            t["total"] = total
        if completed is not None:
            t["completed"] = completed
        if advance:
            t["completed"] += advance
        if description is not None:
            t["description"] = description
        if t["done"]:  # a final word after the count completed (a source's status)
            if description is not None and description != t["printed"]:
                self._line(task_id)
            return
        total = t["total"]
        step = int(10 * t["completed"] / total) if total else 0
        if total and t["completed"] >= total:
            t["done"] = True
            self._line(task_id)
        elif step > t["step"] or time.monotonic() - t["at"] >= self.interval:
            self._line(task_id)
        t["step"] = max(step, t["step"])

    def advance(self, task_id: int, advance: float = 1) -> None:
        self.update(task_id, advance=advance)

    def stop_task(self, task_id: int) -> None:
        t = self._tasks[task_id]
        if not t["done"] or t["description"] != t["printed"]:
            t["done"] = True
            self._line(task_id)

    def _line(self, task_id: int) -> None:
        t = self._tasks[task_id]
        t["at"], t["printed"] = time.monotonic(), t["description"]
        done = f"{t['completed']:.0f}/{t['total']:.0f}" if t["total"] else ""
        pct = f" ({100 * t['completed'] / t['total']:.0f}%)" if t["total"] else ""
        stamp = datetime.datetime.now().strftime("%H:%M:%S")
        self.console.print(text(f"{stamp} {t['description']}{': ' + done + pct if done else ''}"), soft_wrap=True)


def make_progress(console: Console, *, level: int = NORMAL, transient: bool = False) -> Progress | PlainProgress:
    """The commands' progress display: bars on a terminal (`transient`: gone when done), plain lines otherwise,
    none when quiet."""
    if console.is_terminal or level == QUIET:
        return Progress(SpinnerColumn(), plain_column(), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                        console=console, disable=level == QUIET, transient=transient)
    return PlainProgress(console)
