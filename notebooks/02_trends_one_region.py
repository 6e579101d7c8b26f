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
# # One region across the years, through the 2019 → 2021 template change
#
# This study follows one administrative area (a district, county or city: `$OGI_PLACE`, by default the
# district whose government processed the most requests) over every reporting year in the release. The
# reports for 2019 and 2020 follow the 2019 template (国办公开办函〔2019〕60号); from 2021 on they follow the
# 2021 template (国办公开办函〔2021〕30号). A series across that change is only meaningful where the two
# templates measure the same thing, so the notebook says, table by table, **what is comparable and what is
# not**, using the release's crosswalk (`pipeline/templates/crosswalk.csv`, the views `requests_crosswalk`
# and `proactive_crosswalk`) rather than guesses.
#
# **Release.** `$OGI_RELEASE` (an out-root such as `extracted/`, or one release folder), else
# `extracted/latest`; without either, the generated sample city (synthetic numbers).
#
# Reports before 2019 have no national tables (their key figures are in `legacy`): this study covers the
# years of the two national templates; `04_long_series` continues the series back to 2008.

# %%
import os

import matplotlib.pyplot as plt
import pandas as pd
from IPython.display import display

from pipeline.analysis import GROUP_LABELS, GROUPS, notebook_setup
from pipeline.analysis.plots import GROUP_COLORS

rel = notebook_setup()  # $OGI_RELEASE, else extracted/latest, else the generated sample; CJK font; wide tables
YEARS = sorted({int(y) for y, t in zip(rel.summary()["year"], rel.summary()["template"], strict=True)
                if t in ("2019", "2021")})  # the years of the national templates
rel

# %% [markdown]
# ## The region and its agencies
#
# A region's numbers are the sum over the agencies placed there (`agencies.place`: the lowest administrative
# area in the agency's name). For a district that is usually its 人民政府; for a city it includes the city
# departments that publish their own reports. Agencies are matched across years by `agency_id`, so a name
# printed differently in one year (伊春市金林区人民政府 / 金林区人民政府) stays one series.

# %%
summary = rel.summary(year=YEARS)
busiest = (summary[summary["agency_name"].str.endswith("人民政府")].groupby("place")["total_processed"].sum()
           .sort_values(ascending=False))
PLACE = os.environ.get("OGI_PLACE") or (busiest.index[0] if len(busiest) else summary["place"].mode()[0])
region = rel.summary(place=PLACE, year=YEARS)
print(f"{PLACE}: {region['agency_name'].nunique()} agencies, years {region['year'].min()}–{region['year'].max()}")
region[["agency_name", "year", "template", "status", "received_total", "total_processed", "carried_forward"]]

# %% [markdown]
# ## What is comparable across the template change
#
# The crosswalk lists, for every measure of either template, how it lines up with the other one:
#
# - **table 三 (requests)**: every row is printed in both templates except （六）其他处理 — one row in 2019,
#   three sub-rows from 2021 (逾期不补正 · 逾期未缴费 · 其他). Summed as `other_total`, the six outcome groups
#   and 一、新收 / 二、上年结转 / 四、结转下年度 are **fully comparable**. The 2021 sub-rows themselves have no
#   2019 counterpart.
# - **table 四 (reviews and lawsuits)**: unchanged, **fully comparable**.
# - **table 二 (proactive disclosure)**: only `issued` (本年制发件数, 2021) ≈ `new_made` (本年新制作数量, 2019)
#   — *approximately* the same (documents made vs. issued) — and `decisions` (处理决定数量) match.
#   `total_published` (对外公开总数量: all ever published) is **not** `in_force` (现行有效件数), and
#   `prior_year_items` is **not** `fee_amount`: these series stop in 2020 or start in 2021.

# %%
crosswalk = rel.sql('SELECT "table", template, key, measure, relation, note FROM crosswalk ORDER BY 1, 4, 2')
display(crosswalk)

# %% [markdown]
# ## Requests: volume and outcomes, year by year
#
# Stacked bars are the requests processed each year, split into the six harmonised groups (counts); the
# black line is the requests newly received. The dashed line marks the template change: bars on both sides
# are built from the same rows (with （六） summed), so the change itself does not move them. A gap in the
# years means no report for that year (see the data-quality notebook).

# %%
totals = rel.totals(by="year", place=PLACE, year=YEARS)
years = [int(y) for y in totals.index]
fig, ax = plt.subplots(figsize=(9, 4.2))
bottom = pd.Series(0.0, index=totals.index)
for g in GROUPS:
    vals = totals[g].astype(float).fillna(0.0)
    ax.bar(years, vals, bottom=bottom, color=GROUP_COLORS[g], label=f"{GROUP_LABELS[g]} {g}")
    bottom += vals
ax.plot(years, totals["received"].astype(float), color="black", marker="o", label="received (一、本年新收)")
if min(years) <= 2020 < max(years):
    ax.axvline(2020.5, color="grey", linestyle="--")
    ax.text(2020.55, ax.get_ylim()[1] * 0.95, "2021 template →", fontsize=8, va="top")
ax.set_xticks(years)
ax.set_ylabel("requests")
ax.set_title(f"{PLACE}: requests processed by outcome group")
ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False)
fig.tight_layout()
plt.show()

# %% [markdown]
# The same as shares of each year's requests processed — comparable across years even when volumes change
# by an order of magnitude (a single land-expropriation dispute can bring hundreds of requests in one
# year). Years without requests have no point.

# %%
shares = rel.shares(by="year", place=PLACE, year=YEARS)
shares = shares[shares["n"] > 0]
fig, ax = plt.subplots(figsize=(9, 3.8))
for g in GROUPS:
    ax.plot([int(y) for y in shares.index], shares[f"share_{g}"].astype(float), marker="o", color=GROUP_COLORS[g],
            label=f"{GROUP_LABELS[g]} {g}")
if len(shares) and min(shares.index) <= 2020 < max(shares.index):
    ax.axvline(2020.5, color="grey", linestyle="--")
ax.yaxis.set_major_formatter(plt.FuncFormatter(lambda v, _: f"{v:.0%}"))
ax.set_xticks([int(y) for y in shares.index])
ax.set_title(f"{PLACE}: outcome shares by year (n = requests processed)")
ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False)
fig.tight_layout()
plt.show()
shares[["n", "n_reports", "n_reports_identity_broken"]]

# %% [markdown]
# ## The 2021 split of （六）其他处理
#
# From 2021 the template splits （六） into three sub-rows; for those years the split shows why requests
# ended without a decision. Some 2021+ reports still print the single 2019-style row: they count in
# `other_total` but have no split (`n_cells` = 1).

# %%
other = rel.sql("""SELECT c.year, c.template, c.measure, c.outcomes, c.n_cells, c.value
                   FROM requests_crosswalk c JOIN agencies a USING (agency_id)
                   WHERE a.place = ? AND c.applicant = 'total' AND c.measure = 'other_total'
                   ORDER BY c.year""", [PLACE])
split = rel.sql("""SELECT r.year, q.outcome, sum(q.value) AS value
                   FROM requests q JOIN reports r USING (report_id) JOIN agencies a USING (agency_id)
                   WHERE a.place = ? AND q.applicant = 'total' AND r.superseded_by IS NULL
                     AND q.outcome IN ('other_no_correction', 'other_unpaid_fee', 'other_misc')
                   GROUP BY ALL""", [PLACE])
display(other)
split.pivot(index="year", columns="outcome", values="value") if len(split) else print("no 2021 sub-rows printed")

# %% [markdown]
# ## Proactive disclosure: only part of table 二 crosses the change
#
# Normative documents (规范性文件) and rules (规章) made or issued per year: 2019-template years show
# `new_made` (hatched: ≈ `issued`, not identical), 2021-template years `issued`. Administrative decisions
# (许可 · 处罚 · 强制, `decisions`) are the same measure in both templates. Stocks (`total_published`,
# `in_force`) are deliberately not plotted as one series.

# %%
pro = rel.sql("""SELECT c.year, c.template, c.item, c.measure, c.relation, sum(c.value) AS value
                 FROM proactive_crosswalk c JOIN agencies a USING (agency_id)
                 WHERE a.place = ? AND c.measure IN ('issued', 'decisions')
                 GROUP BY ALL ORDER BY c.year""", [PLACE])
fig, axes = plt.subplots(1, 2, figsize=(11, 3.6))
for ax, measure, items in ((axes[0], "issued", ("rules", "normative_documents")),
                           (axes[1], "decisions", ("licensing", "penalty", "coercion"))):
    d = pro[(pro["measure"] == measure) & pro["item"].isin(items)]
    wide = d.pivot_table(index="year", columns="item", values="value", aggfunc="sum").reindex(columns=list(items))
    approx = set(d.loc[d["relation"] == "approx", "year"])
    bottom = pd.Series(0.0, index=wide.index)
    for item in items:
        vals = wide[item].astype(float).fillna(0.0)
        bars = ax.bar([int(y) for y in wide.index], vals, bottom=bottom, label=item)
        for bar, y in zip(bars, wide.index, strict=True):
            if y in approx:
                bar.set_hatch("//")
        bottom += vals
    ax.set_title(f"{PLACE}: {measure}" + (" (hatched: new_made ≈ issued)" if approx else ""), fontsize=10)
    ax.set_xticks([int(y) for y in wide.index])
    ax.legend(fontsize=7)
fig.tight_layout()
plt.show()

# %% [markdown]
# ## Continuity of the request series
#
# 二、上年结转 of one year should equal 四、结转下年度继续办理 of the year before (`series.carried_over`): when it
# does not, the agency restated its backlog or a report is wrong, and sums over years double-count or lose
# requests. Pairs for this region (total column):

# %%
pairs = rel.carry_over(breaks_only=False)
pairs = pairs[(pairs["place"] == PLACE) & (pairs["applicant"] == "total")]
pairs[["agency_name", "year", "carried_over", "prev_carried_forward", "difference", "passed"]]
