"""Command-line options the scraper commands share, and the politeness they produce."""

from __future__ import annotations

from typing import Annotated

import typer

from .politeness import Politeness

AllowLocal = Annotated[bool, typer.Option("--allow-local-hosts", help="let the crawler connect to loopback and "
                                          "private addresses (local test servers only; refused by default)")]


def politeness(min_interval: float, user_agent: str | None, allow_local: bool) -> Politeness:
    """The default politeness with the command line's overrides."""
    kwargs: dict[str, object] = {"min_interval": max(min_interval, 0.0), "allow_local": allow_local}
    if user_agent:
        kwargs["user_agent"] = user_agent
    return Politeness(**kwargs)  # type: ignore[arg-type]
