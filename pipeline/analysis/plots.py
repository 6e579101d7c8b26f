"""matplotlib set-up for Chinese labels, and the figures shared by the notebooks and the README.

`use_cjk_font()` picks an installed CJK font (Noto Sans CJK from fonts-noto-cjk, Source Han Sans, WenQuanYi,
SimHei, Microsoft YaHei, PingFang); without one, labels render as boxes and a single note says so (the
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
_NOTED: list[bool] = []


def use_cjk_font(quiet: bool = False) -> str | None:
    """Make matplotlib draw Chinese text with an installed CJK font; returns its name, or None when none is found."""
    import matplotlib as mpl
    from matplotlib import font_manager

    installed = {f.name for f in font_manager.fontManager.ttflist}
    name = next((f for f in CJK_FONTS if f in installed), None)
    if name is None:
        name = next((f for f in sorted(installed) if "CJK" in f or "Hei" in f), None)
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
