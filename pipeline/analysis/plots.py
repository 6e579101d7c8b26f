"""matplotlib set-up for Chinese labels, and the figures shared by the notebooks and the README.

`use_cjk_font()` picks an installed CJK font (Noto Sans CJK from fonts-noto-cjk, Source Han Sans, WenQuanYi,
SimHei, Microsoft YaHei, PingFang). A CJK font installed after matplotlib built its font cache is found by
scanning the system's font files once. Without one, labels render as boxes and a single note says so (the
"Glyph missing" warnings are silenced).
"""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING

import pandas as pd

from pipeline.analysis.groups import GROUP_LABELS, GROUPS

if TYPE_CHECKING:
    from matplotlib.figure import Figure

CJK_FONTS = ("Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "Source Han Sans CN", "WenQuanYi Zen Hei",
             "WenQuanYi Micro Hei", "SimHei", "Microsoft YaHei", "PingFang SC", "Heiti SC", "Noto Sans CJK JP",
             "Noto Serif CJK SC", "AR PL UMing CN")
GROUP_COLORS = {"granted": "#2b8a3e", "partly_granted": "#94d82d", "denied": "#e03131", "unavailable": "#f59f00",
                "not_processed": "#868e96", "other": "#4dabf7"}
CJK_FILE_HINTS = ("cjk", "sourcehan", "wqy", "wenquanyi", "simhei", "msyh", "pingfang", "hei", "uming", "ukai")
_NOTED: list[bool] = []


def _pick(names: set[str]) -> str | None:
    name = next((f for f in CJK_FONTS if f in names), None)
    return name or next((f for f in sorted(names) if "CJK" in f or "Hei" in f), None)


def _add_uncached_cjk_fonts(font_manager) -> None:
    """Register CJK font files missing from matplotlib's font cache (fonts installed after the cache was built)."""
    known = {f.fname for f in font_manager.fontManager.ttflist}
    for path in font_manager.findSystemFonts():
        base = path.rsplit("/", 1)[-1].lower()
        if path not in known and any(h in base for h in CJK_FILE_HINTS):
            try:
                font_manager.fontManager.addfont(path)
            except (OSError, RuntimeError, ValueError):
                continue


def use_cjk_font(quiet: bool = False) -> str | None:
    """Make matplotlib draw Chinese text with an installed CJK font; returns its name, or None when none is found."""
    import matplotlib as mpl
    from matplotlib import font_manager

    name = _pick({f.name for f in font_manager.fontManager.ttflist})
    if name is None:
        _add_uncached_cjk_fonts(font_manager)
        name = _pick({f.name for f in font_manager.fontManager.ttflist})
    mpl.rcParams["axes.unicode_minus"] = False
    if name is not None:
        rest = [f for f in mpl.rcParams["font.sans-serif"] if f != name]
        mpl.rcParams["font.sans-serif"] = [name, *rest]
        mpl.rcParams["font.family"] = "sans-serif"
        return name
    warnings.filterwarnings("ignore", message=r"Glyph \d+ .*missing from (current )?font", category=UserWarning)
    warnings.filterwarnings("ignore", message=r".*missing from font\(s\)", category=UserWarning)
    if not quiet and not _NOTED:
        _NOTED.append(True)
        print("no CJK font found: Chinese labels will show as boxes (install fonts-noto-cjk)")
    return None


def outcome_shares_figure(shares: pd.DataFrame, title: str = "") -> Figure:
    """Horizontal 100% bars: the six outcome-group shares per row of `Release.shares()`, with n beside each bar."""
    import matplotlib.pyplot as plt

    df = shares.sort_values("share_granted")
    fig, ax = plt.subplots(figsize=(9, 0.45 * len(df) + 1.6))
    left = pd.Series(0.0, index=df.index)
    for g in GROUPS:
        vals = df[f"share_{g}"].astype(float).fillna(0.0)
        ax.barh([str(i) for i in df.index], vals, left=left, color=GROUP_COLORS[g], label=f"{GROUP_LABELS[g]} {g}")
        left += vals
    for i, n in enumerate(df["n"].astype(float)):
        ax.text(1.01, i, f"n={n:.0f}", va="center", fontsize=8)
    ax.set_xlim(0, 1)
    ax.xaxis.set_major_formatter(plt.FuncFormatter(lambda v, _: f"{v:.0%}"))
    ax.set_xlabel("share of requests processed (三、本年度办理结果, six harmonised groups)")
    ax.legend(ncols=3, fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.16 - 0.6 / max(len(df), 1)),
              frameon=False)
    if title:
        ax.set_title(title)
    fig.tight_layout()
    return fig


def long_series_figure(series: pd.DataFrame, title: str = "", ax=None) -> Figure:  # noqa: ANN001 - matplotlib Axes
    """One measure across the years from `Release.long_series()` (one row per year): filled markers where the
    value means the same as the 2019+ measure (=), hollow where it is only comparable (≈), a dashed line
    before each year that breaks the series (basis changes), the pre-2019 years shaded."""
    import matplotlib.pyplot as plt

    df = series.sort_values("year")
    if ax is None:
        fig, ax = plt.subplots(figsize=(10, 3.8))
    else:
        fig = ax.figure
    years = df["year"].astype(int).tolist()
    values = df["value"].astype(float).tolist()
    ax.plot(years, values, color="#495057", linewidth=1, zorder=1)
    same = df["relation"].eq("=").tolist()
    ax.scatter([y for y, s in zip(years, same, strict=True) if s], [v for v, s in zip(values, same, strict=True) if s],
               color="#1c7ed6", zorder=2, label="= same measure as 2019+")
    ax.scatter([y for y, s in zip(years, same, strict=True) if not s],
               [v for v, s in zip(values, same, strict=True) if not s], facecolors="white", edgecolors="#e8590c",
               zorder=2, label="≈ comparable, with a break")
    for y, b in zip(years, df["break_before"].astype(bool), strict=True):
        if b:
            ax.axvline(y - 0.5, color="#e8590c", linestyle="--", linewidth=1)
    pre = [y for y, basis in zip(years, df["basis"], strict=True) if str(basis).startswith("pre2019")]
    if pre:
        ax.axvspan(min(pre) - 0.5, max(pre) + 0.5, color="#f1f3f5", zorder=0, label="before the national template")
    ax.set_xticks(years)
    ax.tick_params(axis="x", labelrotation=45, labelsize=8)
    ax.legend(fontsize=7, loc="upper left", frameon=False)
    if title:
        ax.set_title(title, fontsize=10)
    fig.tight_layout()
    return fig
