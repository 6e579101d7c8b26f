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
# # Data quality: what to trust before comparing
#
# Published numbers are never corrected in the datasets — they are kept as printed and *flagged*. This
# study shows the flags, so that a comparison can leave out or footnote what is doubtful:
#
# 1. **coverage**: which agency has a report for which year, with what extraction status, and the years
#    missing between an agency's first and last report;
# 2. **template identities** that a report's own table breaks (the arithmetic the template states:
#    新收 + 上年结转 = 总计 + 结转下年度; 总计 = sum of the outcome rows; 总计 column = sum of the applicant columns;
#    table 四 总计 = the four results);
# 3. **carry-over breaks** between years: 二、上年结转 (y) ≠ 四、结转下年度 (y−1) for the same agency.
#
# **Release.** `$OGI_RELEASE` (an out-root such as `extracted/`, or one release folder), else
# `extracted/latest`; without either, the generated sample city, which breaks two reports, drops one year
# and restates one carry-over on purpose.

# %%
import matplotlib.pyplot as plt
import numpy as np
from IPython.display import display
from matplotlib.colors import ListedColormap

from pipeline.analysis import notebook_setup
from pipeline.schema import STATUS_REGISTRY

rel = notebook_setup()  # $OGI_RELEASE, else extracted/latest, else the generated sample; CJK font; wide tables
print(rel)
m = rel.manifest
print(f"release {m['release']}, extractor {m['extractor_version']}: statuses {m['statuses']}, "
      f"{m['superseded']} superseded revisions")

# %% [markdown]
# ## 1. Coverage: reports per agency and year
#
# One cell per agency and year from its first to its last report. Colour = extraction status (`ok`: all
# three tables read; `partial`: some; `no_tables` / `needs_ocr` / `failed`: no numbers), white = **missing**
# (no report found for a year inside the agency's range). The number in a cell counts the failed checks of
# that report — template identities plus carry-over breaks with the year before; blank means none. Years
# after an agency's last report are not shown: not yet published, or the agency was merged.

# %%
STATUS_ORDER = [s.name for s in STATUS_REGISTRY] + ["missing"]  # the status vocabulary, then no report
STATUS_COLORS = [s.color for s in STATUS_REGISTRY] + ["#ffffff"]
cov = rel.coverage()
cov["n_failed"] = cov["n_checks_failed"].fillna(0) + cov["n_series_errors"].fillna(0)
grid = cov.pivot(index="agency_name", columns="year", values="status")
codes = grid.apply(lambda col: col.map({s: i for i, s in enumerate(STATUS_ORDER)})).to_numpy(dtype=float)
fails = cov.pivot(index="agency_name", columns="year", values="n_failed").to_numpy(dtype=float)
fig, ax = plt.subplots(figsize=(1.0 * grid.shape[1] + 3, 0.45 * grid.shape[0] + 1.4))
ax.imshow(np.ma.masked_invalid(codes), cmap=ListedColormap(STATUS_COLORS), vmin=-0.5,
          vmax=len(STATUS_ORDER) - 0.5, aspect="auto")
for (i, j), status in np.ndenumerate(grid.to_numpy(dtype=object)):
    if status == "missing":
        ax.text(j, i, "missing", ha="center", va="center", fontsize=7, color="#c92a2a")
    elif fails[i, j] > 0:
        ax.text(j, i, f"{fails[i, j]:.0f}", ha="center", va="center", fontsize=9, fontweight="bold")
ax.set_xticks(range(grid.shape[1]), [str(y) for y in grid.columns])
ax.set_yticks(range(grid.shape[0]), grid.index)
ax.set_xticks(np.arange(-0.5, grid.shape[1]), minor=True)
ax.set_yticks(np.arange(-0.5, grid.shape[0]), minor=True)
ax.grid(which="minor", color="white", linewidth=2)
ax.tick_params(which="minor", length=0)
handles = [plt.Rectangle((0, 0), 1, 1, facecolor=c, edgecolor="grey") for c in STATUS_COLORS]
ax.legend(handles, STATUS_ORDER, fontsize=7, ncols=6, loc="upper center", bbox_to_anchor=(0.5, -0.08),
          frameon=False)
ax.set_title("reports by agency and year: status, and failed checks")
fig.tight_layout()
plt.show()

# %% [markdown]
# Reports that are not `ok`, and why:

# %%
not_ok = rel.summary()[lambda d: d["status"] != "ok"]
not_ok[["agency_name", "year", "status", "error"]] if len(not_ok) else print("every report is ok")

# %% [markdown]
# Missing years (`series.missing_year`): a gap in an agency's series. Sums over years are incomplete there,
# and the carry-over check cannot be made across the gap.

# %%
missing = rel.missing_years()
missing[["agency_name", "place", "missing_year", "first_year", "last_year"]] if len(missing) else print("none")

# %% [markdown]
# ## 2. Which reports fail which identities
#
# One row per report with a failed template identity; columns count the failed checks per identity
# (`requests.balance`: 新收 + 结转 = 总计 + 结转下年度, per applicant column; `requests.total_processed`: the
# outcome rows add up to 总计, per column; `requests.row_total`: the applicant columns add up to the 总计
# column, per row; `reviews.total`: table 四). One wrong cell usually breaks several identities at once —
# the detail table below shows where the difference sits.

# %%
fails = rel.identity_failures()
if len(fails):
    by_report = fails.pivot_table(index=["agency_name", "year", "template"], columns="family", values="check",
                                  aggfunc="count", fill_value=0)
    display(by_report)
    display(fails[["agency_name", "year", "check", "lhs", "rhs", "difference"]])
else:
    print("no report breaks a template identity")

# %% [markdown]
# How common each identity failure is across the release (share of reports evaluated):

# %%
rates = rel.sql("""
    SELECT family, count(DISTINCT report_id) AS reports_evaluated,
           count(DISTINCT report_id) FILTER (WHERE NOT passed) AS reports_failing
    FROM checks WHERE scope = 'report' GROUP BY 1 ORDER BY 1""")
rates["share_failing"] = rates["reports_failing"] / rates["reports_evaluated"]
rates

# %% [markdown]
# ## 3. Carry-over between years
#
# Each point is one agency and year: 二、上年结转 printed in year y (vertical) against 四、结转下年度 printed
# by the same agency for y−1 (horizontal), total column. On the diagonal the two reports agree; points off
# it (red, labelled) are **carry-over breaks** — a restated backlog or a wrong cell in one of the two
# reports. Axes are symmetric-log so that small and large agencies fit on one plot.

# %%
pairs = rel.carry_over(breaks_only=False)
tot = pairs[pairs["applicant"] == "total"]
if len(tot):
    fig, ax = plt.subplots(figsize=(5.5, 5))
    ok = tot["passed"].astype(bool)
    ax.scatter(tot.loc[ok, "prev_carried_forward"], tot.loc[ok, "carried_over"], color="#1c7ed6", s=18,
               label="agrees")
    ax.scatter(tot.loc[~ok, "prev_carried_forward"], tot.loc[~ok, "carried_over"], color="#e03131", s=30,
               label="break")
    for r in tot[~ok].itertuples():
        ax.annotate(f"{r.agency_name} {r.year}", (r.prev_carried_forward, r.carried_over), fontsize=7,
                    xytext=(4, 4), textcoords="offset points")
    hi = float(max(tot["carried_over"].max(), tot["prev_carried_forward"].max(), 1)) * 1.3
    ax.plot([0, hi], [0, hi], color="grey", linewidth=0.8)
    ax.set_xscale("symlog", linthresh=1)
    ax.set_yscale("symlog", linthresh=1)
    ax.set_xlim(-0.2, hi)
    ax.set_ylim(-0.2, hi)
    ax.set_xlabel("四、结转下年度 printed for y−1")
    ax.set_ylabel("二、上年结转 printed for y")
    ax.legend(fontsize=8)
    fig.tight_layout()
    plt.show()
else:
    print("no agency has reports for two consecutive years")

# %% [markdown]
# The breaks, every applicant column (`difference` = carried_over(y) − carried_forward(y−1)):

# %%
breaks = rel.carry_over()
breaks[["agency_name", "year", "applicant", "carried_over", "prev_carried_forward", "difference"]] if len(
    breaks) else print("no carry-over breaks")

# %% [markdown]
# ## 4. Other series warnings
#
# `series.in_force` (a warning): in the 2021 template, 现行有效件数 (y) should equal 现行有效件数 (y−1) +
# 本年制发 (y) − 本年废止 (y) for rules and normative documents. Failures often mean documents were
# consolidated or the count was re-based, not an extraction error.

# %%
rel.sql("""SELECT family, severity, count(*) AS evaluated, count(*) FILTER (WHERE NOT passed) AS failed
           FROM checks WHERE scope = 'series' GROUP BY ALL ORDER BY 1""")
