"""Console output that is safe for outside strings (URLs, titles, file names, error messages, source ids).

rich reads `[...]` in a printed string as markup and `:name:` as an emoji code: a URL or file name holding
`[/]` makes console.print raise, and `[bold]` or `:warning:` in a title silently changes what the user sees.
Every string that comes from a document, a server, the file system or the registry goes through here:

- `markup(template, *values)`: our own markup with outside values filled in escaped (`{}` placeholders), as a
  `Text` (emoji codes are not replaced in a Text, whatever the console);
- `text(value, style)`: a rich `Text` (table cells), never parsed as markup;
- `esc(value)`: the value with markup escaped, for strings rich parses (prefer the two above);
- `plain_column()`: the progress-bar description column, which shows descriptions as plain text;
- `make_console()`: a console on stderr with emoji codes off.

Lives in scrapers/ so that both packages use it (scrapers never import pipeline).
"""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.progress import TextColumn
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


def make_console(stderr: bool = True, **kwargs: Any) -> Console:
    """A rich Console for the command line: emoji codes are never replaced in what it prints."""
    kwargs.setdefault("emoji", False)
    return Console(stderr=stderr, **kwargs)
