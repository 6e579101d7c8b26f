# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # The long series: one region from 2008 to today, across the 2019 break
#
# The national table layout only exists since the 2019 reports. Before that (reporting years 2008–2018)
# each province had its own statistics table — the Shanghai-origin monthly form with codes (SH-2007), the
# Fujian 附表 with a 历年累计 column (FJ-2009, FJ-PT), the 2014 national statistics return (GB-2014) — and
# many reports gave their figures in prose only. The release keeps those **key figures** in the table
# `legacy` (never in `requests` / `reviews` / `proactive`), each with its relation to a 2019+ measure:
#
# - `=` **same meaning**: the figure can continue a 2019+ series as it is (e.g. 涉及国家秘密 = 属于国家秘密,
#   制发规范性文件总数 = 本年制发件数, 复议 维持具体行政行为数 = 结果维持);
# - `≈` **comparable with a break**: close, but counted differently (受理依申请公开信息总数 has no 上年结转 split
#   and may leave out requests screened out before 受理, counts in 条 rather than 件; 否决公开答复 is an umbrella
#   over refusals *and* 信息不存在 / 非本部门掌握; a legacy 行政复议数 has no 尚未审结 column);
# - `—` **no counterpart**: the figure stops in 2018 (主动公开信息数 — the 2019+ tables count only 规章 and
#   规范性文件 —, channels, consultations, 政策解读, 历年累计 columns, staff and budgets).
#
# The DuckDB view `comparable_series` lines the measures up per agency and year; `break_before` marks the
# year where the basis changes (a legacy table family, the national template) and one side is only ≈.
#
# **Release.** `$OGI_RELEASE` (an out-root such as `extracted/`, or one release folder), else
# `extracted/latest`; without either, the generated sample city (synthetic numbers, 2008–2024).
# `$OGI_PLACE` picks the region (default: the one with the longest series).

# %%
import os

import matplotlib.pyplot as plt
import pandas as pd
from IPython.display import display

from pipeline.analysis import notebook_setup
from pipeline.analysis.plots import long_series_figure

rel = notebook_setup()  # $OGI_RELEASE, else extracted/latest, else the generated sample; CJK font; wide tables
rel

# %% [markdown]
# ## The measures that cross 2019
#
# Each measure is a sum of 2019+ cells (`cells_2019`, from `pipeline/templates/comparable_measures.csv`)
# and the legacy keys that line up with it, with their relation. Keys marked `≈` are summed where the
# template merged what the old tables split (涉及商业秘密 + 涉及个人隐私 ≈ 保护第三方合法权益; 不属于本行政机关 +
# 申请信息不存在 ≈ 本机关不掌握); alternatives (申请办结数, 申请答复数 ≈ 办理结果总计) are taken in order.

# %%
display(rel.measures())

# %% [markdown]
# ## The region
#
# The region with the longest run of years that have both pre-2019 key figures and 2019+ tables (or
# `$OGI_PLACE`). Its series sum the agencies placed there (`agencies.place`), usually its 人民政府.

# %%
series = rel.long_series()
if series.empty:
    raise RuntimeError("this release has no comparable series: no report has tables or key figures")
span = series.groupby("place")["year"].agg(["min", "max", "nunique"])
span["pre2019"] = series[series["basis"].str.startswith("pre2019")].groupby("place")["year"].nunique()
span = span.fillna({"pre2019": 0}).sort_values(["pre2019", "nunique"], ascending=False)
PLACE = os.environ.get("OGI_PLACE") or span.index[0]
region = rel.long_series(place=PLACE, by="place")
print(f"{PLACE}: years {region['year'].min()}–{region['year'].max()}, "
      f"{int(span.loc[PLACE, 'pre2019']) if PLACE in span.index else 0} years before the national template")
if not (region["basis"].str.contains("pre2019")).any():
    print("no key figures before 2019 for this region in this release: the series below start in 2019 "
          "(extract pre-2019 reports with ogi extract, or use the generated sample)")
basis = region[region["measure"] == "requests.new_received"][["year", "basis", "relation", "value"]]
basis

# %% [markdown]
# ## Requests received, 2008 onwards
#
# Filled points mean the same as 2019+ 本年新收; hollow points are only comparable (≈). The dashed lines are
# the breaks: where the old table family changed (many provinces moved to the 2014 national return) and at
# the 2019 template. Read levels within a segment; across a dashed line compare orders of magnitude, not
# small changes — a jump there may be the definition, not the agency.

# %%
received = region[region["measure"] == "requests.new_received"]
fig = long_series_figure(received, f"{PLACE}: requests received (受理/收到申请 ≈ 本年新收政府信息公开申请数量)")
plt.show()

# %% [markdown]
# ## Outcomes and appeals
#
# Granted (同意公开 + 属于已主动公开范围 ≈ 予以公开), the refusals on exemption grounds (不予公开 / 不同意公开 ≈
# the eight 不予公开 rows), and administrative reviews and lawsuits. The legacy review and lawsuit counts have
# no 尚未审结 column, and lawsuits were not split into 直接起诉 / 复议后起诉: both are ≈.

# %%
MEASURES = [("requests.granted", "granted (予以公开)"), ("requests.denied", "denied (不予公开)"),
            ("reviews.admin_review.total", "administrative reviews (行政复议)"),
            ("reviews.litigation.total", "lawsuits (行政诉讼)")]
fig, axes = plt.subplots(2, 2, figsize=(12, 6.5))
for ax, (measure, label) in zip(axes.flat, MEASURES, strict=True):
    d = region[region["measure"] == measure]
    if d.empty:
        ax.set_title(f"{label}: not printed in this region's reports", fontsize=9)
        continue
    long_series_figure(d, f"{PLACE}: {label}", ax=ax)
fig.tight_layout()
plt.show()

# %% [markdown]
# ## What is and is not comparable, for this region
#
# Every key figure the region's pre-2019 reports printed, by relation. The `—` rows have no 2019+
# continuation at all: 主动公开信息数 (a total of everything disclosed) was dropped by the 2019 template,
# which counts only rules, normative documents and decisions; channels, consultations, 政策解读 and the
# 历年累计 columns stop in 2018. `≈` rows continue with a break; `=` rows continue as they are.

# %%
legacy = rel.legacy(place=PLACE)
if legacy.empty:
    print("no pre-2019 key figures for this region")
else:
    table = (legacy.groupby(["relation", "key"])
             .agg(years=("year", lambda y: f"{int(y.min())}–{int(y.max())}"), n_years=("year", "nunique"),
                  comparable_key=("comparable_key", "first"), source=("source", lambda s: "/".join(sorted(set(s)))))
             .reset_index().sort_values(["relation", "key"]))
    display(table)

# %% [markdown]
# ## Disclosed proactively: a series that ends in 2018
#
# The old reports' headline number, 主动公开政府信息数, has no 2019+ counterpart; the closest 2019+ measure,
# normative documents issued (本年制发件数 / 本年新制作数量 ≈ 制发规范性文件总数), is a different and much
# smaller quantity. They are drawn side by side, never joined.

# %%
pro = legacy[legacy["key"] == "proactive.total"] if not legacy.empty else pd.DataFrame()
issued = region[region["measure"] == "proactive.normative_documents.issued"]
fig, ax = plt.subplots(figsize=(10, 3.4))
if not pro.empty:
    by_year = pro.groupby("year")["value"].sum()
    ax.bar(by_year.index.astype(int), by_year.astype(float), color="#adb5bd", label="主动公开政府信息数 (— after 2018)")
if not issued.empty:
    ax2 = ax.twinx()
    ax2.plot(issued["year"].astype(int), issued["value"].astype(float), color="#1c7ed6", marker="o",
             label="normative documents issued (right axis)")
    ax2.legend(fontsize=7, loc="upper right", frameon=False)
ax.axvline(2018.5, color="#e8590c", linestyle="--", linewidth=1)
ax.legend(fontsize=7, loc="upper left", frameon=False)
ax.set_title(f"{PLACE}: proactive disclosure before and after the template", fontsize=10)
fig.tight_layout()
plt.show()

# %% [markdown]
# ## 历年累计: cumulative columns that restart
#
# The Fujian tables print a running total beside the year (历年累计). The dataset check
# `series.legacy_cumulative.<key>` compares cumulative(y−1) + year(y) with cumulative(y); failures are
# restarts or re-basings (平潭 restarted at 10037 in 2017 after 85376 in 2016). Never derive annual values
# from these columns.

# %%
cum = rel.sql("""SELECT r.year, c."check", c.lhs AS prev_cum_plus_year, c.rhs AS cumulative, c.passed
                 FROM checks c JOIN reports r USING (report_id) JOIN agencies a USING (agency_id)
                 WHERE c.family = 'series.legacy_cumulative' AND a.place = ?
                 ORDER BY r.year, c."check" """, [PLACE])
print(f"{len(cum)} cumulative checks for {PLACE}, {int((~cum['passed'].astype(bool)).sum())} restarts or re-basings")
cum[~cum["passed"].astype(bool)].head(20) if len(cum) else cum
