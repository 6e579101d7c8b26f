"""The analysis API (pipeline.analysis) on a generated release: groups, shares, cuts and the quality flags."""

from __future__ import annotations

import random
import warnings
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

import pipeline
from pipeline import labels
from pipeline.analysis import (
    GROUPS,
    NoReleaseError,
    Release,
    build_sample_release,
    denial_reasons,
    measure_groups,
    open_latest,
    open_or_sample,
    sample_corpus,
)
from pipeline.analysis.sample import SampleCorpus
from pipeline.batch import combine
from pipeline.load import build_release
from pipeline.synth import generate, render_pipe_text

SEED = 2019


@pytest.fixture(scope="module")
def out_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("out")
    build_sample_release(out, SEED)
    return out


@pytest.fixture(scope="module")
def rel(out_root: Path) -> Iterator[Release]:
    with open_latest(out_root) as r:
        yield r


@pytest.fixture(scope="module")
def corpus() -> SampleCorpus:
    return sample_corpus(SEED)


def _agency_id(rel: Release, name: str) -> str:
    """agency_id of a generated agency (the printed names vary: 云岭市西山区人民政府 / 西山区人民政府)."""
    ag = rel.agencies()
    hit = ag[[name in str(n).split(" | ") or name.endswith(a) for n, a in zip(ag["names"], ag["agency"], strict=True)]]
    assert len(hit) == 1, (name, hit)
    return hit["agency_id"].iloc[0]


def test_open_latest_accepts_out_root_and_release_folder(out_root: Path, rel: Release):
    assert rel.path.parent.parent == out_root.resolve() or rel.path.parent.parent == out_root
    again = open_latest(rel.path)
    assert again.path == rel.path and again.name == rel.name
    again.close()
    assert rel.manifest["run_info"]["sample"] is True


def test_no_release_says_how_to_make_one(tmp_path: Path):
    with pytest.raises(NoReleaseError) as exc:
        open_latest(tmp_path / "nothing")
    msg = str(exc.value)
    assert "make demo" in msg and "ogi run" in msg and str(tmp_path / "nothing") in msg
    assert isinstance(exc.value, FileNotFoundError)
    with pytest.raises(NoReleaseError):  # an explicit path never falls back to the sample
        open_or_sample(tmp_path / "nothing")


def test_open_or_sample_reads_the_environment(out_root: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("OGI_RELEASE", str(out_root))
    with open_or_sample() as r:
        assert r.path.parent.parent.resolve() == out_root.resolve()


def test_open_or_sample_falls_back_to_the_generated_sample(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                         capsys: pytest.CaptureFixture[str]):
    import pipeline.analysis.release as release_mod

    monkeypatch.delenv("OGI_RELEASE", raising=False)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(release_mod, "PROJECT_ROOT", tmp_path)
    monkeypatch.setattr(release_mod.tempfile, "gettempdir", lambda: str(tmp_path / "tmp"))
    with open_or_sample() as r:
        assert r.manifest["run_info"]["sample"] is True and (tmp_path / "tmp") in r.path.parents
    assert "generated sample release" in capsys.readouterr().out
    assert not (tmp_path / "extracted").exists()


def test_frames_and_sql(rel: Release, corpus):
    req = rel.table("requests")
    assert {"report_id", "outcome", "applicant", "value", "year"} <= set(req.columns)
    assert str(req["value"].dtype) == "Float64"
    n = rel.sql("SELECT count(*) AS n FROM reports")["n"].iloc[0]
    assert n == len(corpus.reports) + len(corpus.legacy) == len(rel.summary())
    assert rel.years() == list(range(2008, 2025))  # the districts' pre-2019 reports too


def test_summary_cuts(rel: Release):
    s = rel.summary()
    assert {"agency_name", "place", "received_total", "other_total"} <= set(s.columns)
    assert set(rel.summary(year=2021)["year"]) == {2021}
    assert set(rel.summary(year=[2019, 2020])["year"]) == {2019, 2020}
    place = s["place"].iloc[0]
    assert set(rel.summary(place=place)["place"]) == {place}
    name = s["agency_name"].iloc[0]
    one = rel.summary(agency=name)
    assert one["agency_id"].nunique() == 1 and len(rel.summary(agency=one["agency_id"].iloc[0])) == len(one)


def test_measure_groups_cover_every_leaf_outcome_once():
    mg = measure_groups()
    covered = [o for outs in mg["outcomes"] for o in outs.split(",")]
    leaves = [o.key for o in labels.outcomes() if o.top == 3 and o.group is not None]
    assert sorted(covered) == sorted(leaves) and len(covered) == len(set(covered))
    assert set(mg["group"]) == {*GROUPS, "total_processed"}
    other = mg[mg["group"] == "other"]
    assert list(other["measure"]) == ["other_total"]  # the crosswalk's measure, single and split (六) alike
    assert set(mg.loc[mg["group"] == "denied", "measure"]) == set(denial_reasons())


def test_groups_sum_to_total_processed_where_the_identity_holds(rel: Release):
    og = rel.outcome_groups()
    assert len(og) == len(rel.summary())
    assert og.loc[og["template"] == "pre2019", "groups_sum"].isna().all()  # no table 三 before 2019
    og = og[og["template"] != "pre2019"]
    assert og["groups_sum"].notna().all() and set(og["template"]) == {"2019", "2021"}
    checks = rel.sql("""SELECT report_id, passed FROM checks WHERE "check" = 'requests.total_processed.total'""")
    merged = og.merge(checks, on="report_id")
    held = merged[merged["passed"]]
    assert len(held) >= len(og) - 2
    assert ((held["groups_sum"] - held["total_processed"]).abs() < 1e-9).all()
    assert held["identity_holds"].all()
    assert (merged["identity_holds"] == merged["passed"]).all()


def test_groups_per_applicant_column(rel: Release):
    og = rel.outcome_groups(applicant="natural_person")
    og = og[og["template"] != "pre2019"]
    assert og["groups_sum"].notna().all() and og["identity_holds"].mean() > 0.9


def test_other_group_is_the_single_row_or_the_three_sub_rows(rel: Release):
    og = rel.outcome_groups().set_index("report_id")
    req = rel.table("requests")
    tot = req[req["applicant"] == "total"]
    rows = tot[tot["outcome"].isin(["other", "other_no_correction", "other_unpaid_fee", "other_misc"])]
    by_report = rows.groupby("report_id")["value"].sum()
    assert (og.loc[by_report.index, "other"].astype(float) == by_report.astype(float)).all()
    denied = tot[tot["outcome"].str.startswith("denied_")].groupby("report_id")["value"].sum()
    assert (og.loc[denied.index, "denied"].astype(float) == denied.astype(float)).all()


def test_single_other_row_in_a_2021_report(tmp_path: Path):
    rng = random.Random(5)
    synth = [generate(rng, year=2021, agency="云岭市西山区人民政府", region="西山区", city="云岭市",
                      single_other=True, activity="medium"),
             generate(rng, year=2021, agency="云岭市南湾区人民政府", region="南湾区", city="云岭市", activity="medium")]
    reports = [pipeline.extract_bytes(render_pipe_text(s).encode("utf-8"), f"{i}.txt") for i, s in enumerate(synth)]
    with open_latest(build_release(combine(reports), tmp_path)) as r:
        og = r.outcome_groups().set_index("agency_name")
        cw = r.sql("""SELECT agency, n_cells FROM requests_crosswalk
                      WHERE measure = 'other_total' AND applicant = 'total'""").set_index("agency")["n_cells"]
        assert sorted(cw.tolist()) == [1, 3]
        for s in synth:
            other = s.requests[("other", "total")] if s.single_other else sum(
                s.requests[(k, "total")] for k in ("other_no_correction", "other_unpaid_fee", "other_misc"))
            row = og[[s.agency.endswith(a) for a in og.index]]
            assert float(row["other"].iloc[0]) == other
            assert bool(row["identity_holds"].iloc[0])


def test_shares_add_up_to_one(rel: Release):
    sh = rel.shares(year=2023)
    assert len(sh) == rel.summary(year=2023)["agency_id"].nunique()
    busy = sh[sh["n"] > 0]
    total = busy[[f"share_{g}" for g in GROUPS]].astype(float).sum(axis=1)
    assert ((total - 1).abs() < 1e-9).all()
    assert sh.loc[sh["n"] == 0, "share_granted"].isna().all()
    by_year = rel.shares(by="year")
    assert list(by_year.index) == [y for y in rel.years() if y >= 2019]  # years with table 三
    by_two = rel.shares(by=["place", "year"])
    assert by_two["n"].sum() == by_year["n"].sum()


def test_denial_reasons_add_up_to_the_denied_group(rel: Release):
    reasons = rel.denial_reasons(year=2022)
    assert list(reasons.columns) == list(denial_reasons())
    denied = rel.shares(year=2022)["denied"]
    assert (reasons.sum(axis=1).astype(float) == denied.loc[reasons.index].astype(float)).all()
    share = rel.denial_reasons(year=2022, share=True).dropna(how="all")
    assert ((share.sum(axis=1) - 1).abs() < 1e-9).all()


def test_totals_by_place_and_year(rel: Release):
    t = rel.totals()
    assert t.index.names == ["place", "year"]
    og = rel.outcome_groups()
    assert t["total_processed"].sum() == og["total_processed"].sum()
    assert t["n_reports"].sum() == len(og)


def test_the_two_broken_reports_show_up(rel: Release, corpus):
    assert len(corpus.broken) == 2
    fails = rel.identity_failures()
    found = set(zip(fails["agency_id"], fails["year"], strict=True))
    assert found == {(_agency_id(rel, a), y) for a, y in corpus.broken}
    assert set(fails["family"]) <= {"requests.balance", "requests.total_processed", "requests.row_total",
                                    "reviews.total"}
    assert (fails["check"] == fails["family"] + "." + fails["detail"]).all()  # detail: the check's subject
    assert (fails["difference"] != 0).all()


def test_carry_over_break_and_missing_year(rel: Release, corpus):
    agency, year = corpus.restated
    breaks = rel.carry_over()
    assert set(zip(breaks["agency_id"], breaks["year"], strict=True)) == {(_agency_id(rel, agency), year)}
    assert set(breaks["applicant"]) == {"natural_person", "total"} and (breaks["difference"] > 0).all()
    assert breaks["prev_report_id"].str.fullmatch(r"[0-9a-f]{64}").all()
    s = rel.summary()
    report_of = dict(zip(zip(s["agency_id"], s["year"], strict=True), s["report_id"], strict=True))
    assert [report_of[(a, y - 1)] for a, y in zip(breaks["agency_id"], breaks["year"], strict=True)] == list(
        breaks["prev_report_id"])  # the same agency's report of the year before
    pairs = rel.carry_over(breaks_only=False)
    assert len(pairs) > len(breaks) and pairs["passed"].sum() == len(pairs) - len(breaks)

    agency, year = corpus.dropped
    missing = rel.missing_years()
    assert list(zip(missing["agency_id"], missing["missing_year"], strict=True)) == [(_agency_id(rel, agency), year)]
    cov = rel.coverage()
    gap = cov[cov["status"] == "missing"]
    assert list(zip(gap["agency_id"], gap["year"], strict=True)) == [(_agency_id(rel, agency), year)]
    ag = rel.agencies()
    assert len(cov) == int((ag["last_year"] - ag["first_year"] + 1).sum())
    assert set(cov.loc[cov["year"] < 2019, "status"]) <= {"ok", "partial"}  # pre-2019 key figures read


def test_sample_without_quirks_has_no_series_breaks(tmp_path: Path):
    with open_latest(build_sample_release(tmp_path, SEED, quirks=False)) as r:
        assert r.carry_over().empty and r.missing_years().empty
        assert len(r.identity_failures()) > 0


def test_cjk_font_setup_is_quiet():
    from pipeline.analysis.plots import use_cjk_font

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        name = use_cjk_font(quiet=True)
    assert name is None or isinstance(name, str)


def test_cjk_font_installed_after_the_font_cache_is_found(monkeypatch):
    """fonts-noto-cjk installed after matplotlib cached its font list: the font files are scanned once."""
    from matplotlib import font_manager

    from pipeline.analysis.plots import CJK_FILE_HINTS, use_cjk_font

    cjk_files = [p for p in font_manager.findSystemFonts() if any(h in p.rsplit("/", 1)[-1].lower() for h in CJK_FILE_HINTS)]
    if not cjk_files:
        pytest.skip("no CJK font file on this machine (install fonts-noto-cjk)")
    stale = font_manager.FontManager.__new__(font_manager.FontManager)
    stale.__dict__.update(font_manager.fontManager.__dict__)
    stale.ttflist = [f for f in font_manager.fontManager.ttflist if f.fname not in set(cjk_files)]
    monkeypatch.setattr(font_manager, "fontManager", stale)
    name = use_cjk_font(quiet=True)
    assert name is not None and name in {f.name for f in stale.ttflist if f.fname in set(cjk_files)}


def test_outcome_shares_figure(rel: Release):
    import matplotlib

    matplotlib.use("Agg")
    from pipeline.analysis.plots import outcome_shares_figure

    sh = rel.shares(year=2023)
    fig = outcome_shares_figure(sh[sh["n"] > 0], title="t")
    assert len(fig.axes[0].patches) == len(GROUPS) * int((sh["n"] > 0).sum())
    assert isinstance(sh, pd.DataFrame)


# ---- the long series -----------------------------------------------------------------------------------------
def _legacy_truth(corpus: SampleCorpus, key: str) -> dict[tuple[str, int], float]:
    """What the sample's pre-2019 reports printed for a key: the table's year figure, else the prose's."""
    out = {}
    for r in corpus.legacy:
        figs = [f for f in r.figures if f.key == key and f.period == "year" and not f.qualifier]
        figs.sort(key=lambda f: f.source != "table")
        if figs:
            out[(r.agency, r.year)] = figs[0].value
    return out


def test_legacy_key_figures_match_what_the_reports_printed(rel: Release, corpus):
    got = rel.legacy(key="proactive.total")
    truth = _legacy_truth(corpus, "proactive.total")
    assert len(got) == len(truth) == len(corpus.legacy)
    by_agency = {(_agency_id(rel, a), y): v for (a, y), v in truth.items()}
    assert {(a, int(y)): float(v) for a, y, v in zip(got["agency_id"], got["year"], got["value"], strict=True)} \
        == by_agency
    assert set(got["relation"]) == {"—"} and got["comparable_key"].isna().all()
    both = got[got["n_figures"] > 1]
    assert len(both) and (both["source"] == "table").all()  # the table's figure when the prose repeats it


def test_long_series_crosses_2019_with_breaks_marked(rel: Release, corpus):
    series = rel.long_series("requests.new_received")
    truth = _legacy_truth(corpus, "requests.received")
    gov = next(a for a, _ in truth)
    one = series[series["agency_id"] == _agency_id(rel, gov)].set_index("year")
    assert list(one.index) == list(range(2008, 2025))
    assert set(one.loc[:2018, "relation"]) == {"≈"} and set(one.loc[2019:, "relation"]) == {"="}
    assert bool(one.loc[2019, "break_before"]) and not one.loc[2020:, "break_before"].any()
    assert all(float(one.loc[y, "value"]) == v for (a, y), v in truth.items() if a == gov)
    native = rel.summary(agency=_agency_id(rel, gov)).set_index("year")["received_total"]
    assert all(float(one.loc[y, "value"]) == float(native.loc[y]) for y in range(2019, 2025) if y in native.index)
    families = one.loc[:2018, "basis"]
    changes = [y for y in range(2009, 2019) if families.loc[y] != families.loc[y - 1]]
    assert changes == [y for y in range(2009, 2019) if one.loc[y, "break_before"]]  # ≈ on both sides: a break
    by_place = rel.long_series("requests.new_received", by="place")
    assert by_place["value"].sum() == series["value"].sum()


def test_measures_and_combined_keys(rel: Release):
    m = rel.measures().set_index("measure")
    assert "requests.denied_third_party" in m.index
    assert "replies.denied.commercial_secret (≈)" in m.loc["requests.denied_third_party", "legacy_keys"]
    granted = rel.long_series("requests.granted")
    pre = granted[granted["basis"].str.startswith("pre2019 GB-2014")]
    assert len(pre) and pre["keys"].str.contains("replies.already_public").all()  # 已主动公开 + 同意公开 ≈ 予以公开


def test_cumulative_columns_checked_across_years(rel: Release):
    cum = rel.sql("""SELECT "check", passed, severity FROM checks WHERE "check" LIKE 'series.legacy_cumulative.%'""")
    assert len(cum) and set(cum["severity"]) == {"warning"} and cum["passed"].any()


def test_long_series_figure(rel: Release):
    import matplotlib

    matplotlib.use("Agg")
    from pipeline.analysis.plots import long_series_figure

    s = rel.long_series("requests.new_received")
    one = s[s["agency_id"] == s["agency_id"].iloc[-1]]
    fig = long_series_figure(one, "t")
    assert len(fig.axes[0].lines) >= 1 + int(one["break_before"].sum())
