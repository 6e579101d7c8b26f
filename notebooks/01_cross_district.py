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
# # One year, every agency: how requests were received and answered
#
# This study compares the agencies of one city — its districts' 人民政府 and the city departments — in one
# reporting year, using table 三 (收到和处理政府信息公开申请情况) of their annual reports:
#
# 1. **how many requests** each agency received (一、本年新收) and processed (三（七）总计);
# 2. **what happened to them**: the shares granted (予以公开), partly granted (部分公开), denied (不予公开),
#    unavailable (无法提供), not processed (不予处理) and other (其他处理);
# 3. **why requests were denied**: the eight reasons of 三（三）;
# 4. how often requesters went on to **administrative review or litigation** (table 四).
#
# The six outcome groups are *template-harmonised*: the 2019 and 2021 templates print the same rows except
# （六）其他处理, which is one row in 2019 and three sub-rows from 2021 on; the release's crosswalk sums them
# (`other_total`), so every year and agency has the same six groups. Numbers are the 总计 column as
# published — never corrected; a report whose groups do not add up to its own 总计 is flagged below.
#
# **Release.** The notebook reads `$OGI_RELEASE` (an out-root such as `extracted/`, or one release folder),
# else `extracted/latest` (`make demo`, `ogi run`); when there is none it builds the generated sample city
# (synthetic numbers: fine for trying the notebook, meaningless as findings). `$OGI_YEAR` picks the year.

# %%
import os
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
from IPython.display import display

from pipeline.analysis import GROUP_LABELS, GROUPS, denial_reasons, notebook_setup, outcome_label
from pipeline.analysis.plots import outcome_shares_figure

rel = notebook_setup()  # $OGI_RELEASE, else extracted/latest, else the generated sample; CJK font; wide tables
rel

# %% [markdown]
# ## The year
#
# By default the latest year in which most agencies have a report (the most recent year is often
# incomplete: reports are published by 31 January of the following year, and scraping lags behind).

# %%
summary = rel.summary()
per_year = summary.groupby("year")["agency_id"].nunique()
YEAR = int(os.environ.get("OGI_YEAR") or per_year[per_year >= 0.5 * per_year.max()].index.max())
year = rel.summary(year=YEAR)
print(f"{YEAR}: {len(year)} reports of {per_year.max()} agencies; templates {sorted(year['template'].unique())}")
year[["agency_name", "place", "template", "status", "received_total", "total_processed", "n_checks_failed"]]

# %% [markdown]
# ## 1. Requests per agency
#
# Bars are the requests newly received in the year (一、本年新收政府信息公开申请数量, 总计 column); the dot is
# the number processed (三（七）总计), which also counts requests carried over from the year before.
# District governments usually receive far more requests than single departments — land expropriation and
# demolition (征地拆迁) requests go to the district — so compare like with like. The horizontal axis is
# logarithmic when the largest agency receives more than 50 times the smallest non-zero one.

# %%
df = year.sort_values("received_total")
gov = df["agency_name"].str.endswith("人民政府")
fig, ax = plt.subplots(figsize=(8, 0.4 * len(df) + 1.2))
ax.barh(df["agency_name"], df["received_total"].fillna(0), color=np.where(gov, "#1c7ed6", "#adb5bd"))
ax.scatter(df["total_processed"], df["agency_name"], color="black", s=14, zorder=3, label="processed (三（七）总计)")
positive = df["received_total"][df["received_total"] > 0]
if len(positive) and positive.max() > 50 * positive.min():
    ax.set_xscale("symlog", linthresh=1)
ax.set_xlabel(f"requests received in {YEAR} (一、本年新收); blue: district governments, grey: departments")
ax.legend(loc="lower right", fontsize=8)
fig.tight_layout()
plt.show()

# %% [markdown]
# ## 2. What happened to the requests
#
# Each bar is one agency, split into the six harmonised groups; the shares add up to 100 % of the requests
# the agency processed (the sum of the six groups), shown as `n` on the right. Read the bars with `n` in
# mind: with a handful of requests one decision moves a share by tens of percentage points. Agencies that
# processed no requests have no bar.

# %%
shares = rel.shares(year=YEAR)
shares = shares[shares["n"] > 0]
fig = outcome_shares_figure(shares, title=f"{YEAR}: outcome of requests processed, by agency")
if os.environ.get("OGI_FIGURES"):
    fig.savefig(Path(os.environ["OGI_FIGURES"]) / "outcome_shares.png", dpi=110, bbox_inches="tight")
plt.show()
table = shares[[f"share_{g}" for g in GROUPS]].rename(columns=lambda c: GROUP_LABELS[c.removeprefix("share_")])
display(table.style.format("{:.0%}", na_rep="–"))

# %% [markdown]
# Where a report's six groups do not add up to its printed 总计 the published table breaks its own
# identity; the shares above use the groups, not the printed total. Such reports:

# %%
groups = rel.outcome_groups(year=YEAR)
broken = groups[~groups["identity_holds"].astype(bool) & groups["groups_sum"].notna()]
broken[["agency_name", "template", *GROUPS, "groups_sum", "total_processed"]] if len(broken) else print("none")

# %% [markdown]
# ## 3. Why requests were denied
#
# 三（三）不予公开 has eight reasons, the same in both templates. The heat map shows the number of denials per
# agency and reason (darker = more); the row total is on the right. The reasons say which exemption of the
# Regulations (条例) an agency relies on: 三类内部事务信息 and 四类过程性信息 are the discretionary ones,
# 国家秘密 and 其他法律行政法规禁止公开 the mandatory ones.

# %%
reasons = rel.denial_reasons(year=YEAR)
reasons = reasons[reasons.sum(axis=1) > 0]
if len(reasons):
    labels = [outcome_label(k) for k in denial_reasons()]
    fig, ax = plt.subplots(figsize=(10, 0.45 * len(reasons) + 2.4))
    im = ax.imshow(reasons.to_numpy(dtype=float), cmap="Reds", aspect="auto")
    for (i, j), v in np.ndenumerate(reasons.to_numpy(dtype=float)):
        ax.text(j, i, f"{v:.0f}", ha="center", va="center", fontsize=8,
                color="white" if v > 0.6 * reasons.to_numpy(dtype=float).max() else "black")
    for i, total in enumerate(reasons.sum(axis=1)):
        ax.text(len(labels) - 0.3, i, f"{total:.0f}", va="center", fontsize=8, fontweight="bold")
    ax.set_xticks(range(len(labels)), labels, rotation=35, ha="right", fontsize=8)
    ax.set_yticks(range(len(reasons)), reasons.index)
    ax.set_title(f"{YEAR}: denials (三（三）不予公开) by reason")
    fig.tight_layout()
    plt.show()
else:
    print(f"no denials printed for {YEAR}")

# %% [markdown]
# As shares of each agency's denials (rows add up to 100 %):

# %%
rel.denial_reasons(year=YEAR, share=True).dropna(how="all").rename(columns=outcome_label).style.format(
    "{:.0%}", na_rep="–")

# %% [markdown]
# ## 4. Reviews and lawsuits against request volumes
#
# Table 四 counts administrative reviews (行政复议) and lawsuits (行政诉讼, directly or after review) about
# information disclosure, by result. Per 100 requests received is a rough rate: a case can concern a request
# of an earlier year, so small agencies can show rates above 100.

# %%
cases = year.assign(
    reviews=year["admin_review_total"],
    lawsuits=year["litigation_direct_total"].fillna(0) + year["litigation_after_review_total"].fillna(0),
    corrected=year["admin_review_corrected"].fillna(0) + year["litigation_direct_corrected"].fillna(0)
    + year["litigation_after_review_corrected"].fillna(0),
)
cases["cases_per_100_requests"] = (100 * (cases["reviews"] + cases["lawsuits"])
                                   / cases["received_total"].where(cases["received_total"] > 0))
cases[["agency_name", "received_total", "reviews", "lawsuits", "corrected", "cases_per_100_requests"]].round(1)
