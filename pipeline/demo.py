"""The demo corpus: the bundled example report plus generated reports of one city, as text and web pages."""

from __future__ import annotations

import random
from pathlib import Path

from pipeline.synth import HtmlQuirks, TextQuirks, district_corpus, render_html_page, render_pipe_text

SAMPLES = Path(__file__).parent / "samples"
BUNDLED = ("2019_jinlin_seed.txt",)


def _quirks(rng: random.Random, kind: str) -> HtmlQuirks | TextQuirks:
    """A realistic mix: most reports clean, some with the deviations real sites show."""
    common = dict(units=rng.random() < 0.3, blank_zero=rng.choice((0.0, 0.0, 0.5)),
                  dash_zero=rng.choice((0.0, 0.0, 0.3)), fullwidth_digits=rng.choice((0.0, 0.0, 0.1)),
                  label_typos=rng.choice((0.0, 0.1)), brackets=rng.choice(("full", "half", "mixed")),
                  clause_spaces=rng.random() < 0.2, truncate_headers=rng.random() < 0.2, seed=rng.randrange(1000))
    if kind == "html":
        return HtmlQuirks(split_table3=rng.random() < 0.3, misaligned_colspan=rng.random() < 0.3,
                          declare_charset=rng.random() < 0.8, **common)
    return TextQuirks(layout=rng.choice(("pipe", "pipe", "markdown", "lines")), trailing_empty=rng.random() < 0.5,
                      **common)


def write_samples(folder: Path, seed: int = 2019) -> list[Path]:
    """Write the demo documents into `folder` (deterministic for a seed); returns their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    paths = []
    for name in BUNDLED:
        dest = folder / name
        dest.write_bytes((SAMPLES / name).read_bytes())
        paths.append(dest)
    for i, report in enumerate(district_corpus(seed)):
        stem = f"{report.year}_{report.agency}"
        if i % 3 == 2:
            dest = folder / f"{stem}.txt"
            dest.write_text(render_pipe_text(report, _quirks(rng, "text")), encoding="utf-8")
        else:
            encoding = rng.choice(("utf-8", "utf-8", "gbk"))
            dest = folder / f"{stem}.html"
            dest.write_bytes(render_html_page(report, _quirks(rng, "html"), encoding=encoding))
        paths.append(dest)
    return paths
