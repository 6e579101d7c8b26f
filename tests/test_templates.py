"""Template versions are data: the declarations in pipeline/templates/versions/ and what labels.py serves.

The synthetic generator (pipeline.synth.templates) spells the two national layouts out independently; these
tests hold the declarations to it, so that neither can drift alone.
"""

from __future__ import annotations

import random
import shutil

import pandas as pd
import pytest

import pipeline
from pipeline import checks, labels, schema
from pipeline.synth import generate, identity_failures
from pipeline.synth import templates as synth
from pipeline.synth.render_text import render_pipe_text
from pipeline.text import core

NATIONAL = [v.name for v in labels.national_versions()]


def _template_field() -> schema.Field:
    return next(f for f in schema.TABLES["reports"] if f.name == "template")


def test_declared_versions_and_years():
    assert list(labels.versions()) == ["pre2019", "2019", "2021"]
    assert NATIONAL == list(synth.TEMPLATES)
    assert [labels.template_for_year(y) for y in (2008, 2018, 2019, 2020, 2021, 2025)] == [
        "pre2019", "pre2019", "2019", "2019", "2021", "2021"]
    assert labels.default_version().name == "2021"
    assert _template_field().allowed_values() == ("pre2019", "2019", "2021", "unknown")
    assert not labels.version("pre2019").national and labels.version("pre2019").tables == ("legacy",)


@pytest.mark.parametrize("template", NATIONAL)
@pytest.mark.parametrize("single", [False, True])
def test_rows_and_leaves_agree_with_the_generator(template: str, single: bool):
    v = labels.version(template)
    printed = synth.request_row_keys(template, single)
    present = set(printed)
    assert v.expected_requests(present) == present  # the rows a report of this layout must print
    assert [k for k in v.request_rows() if k in present] == list(printed)  # in template order
    assert v.leaf_rows(present) == list(synth.leaf_keys(template, single))
    assert len(printed) == {("2019", False): 23, ("2019", True): 23, ("2021", False): 25, ("2021", True): 23}[
        (template, single)]


@pytest.mark.parametrize("template", NATIONAL)
def test_proactive_cells_units_and_markers_agree_with_the_generator(template: str):
    v = labels.version(template)
    assert v.expected_proactive() == set(synth.proactive_keys(template))
    assert v.amount_metrics() <= set(synth.AMOUNT_METRICS)
    assert v.amount_metrics() == {m for i, m in synth.proactive_keys(template) if m in synth.AMOUNT_METRICS}
    printed = "".join(h for c in synth.PROACTIVE_LAYOUT[template] for _, h in c.metrics)
    assert any(m in core(printed) for m in v.markers)  # the layout prints its own marker labels


def test_applicants_and_review_cells_agree_with_the_generator():
    assert [a.key for a in labels.applicants()] == list(synth.APPLICANTS)
    assert [(c.proceeding, c.outcome) for c in labels.review_cells()] == [
        (p, o) for p in synth.PROCEEDINGS for o in synth.REVIEW_OUTCOMES]


@pytest.mark.parametrize("year,single", [(2019, False), (2020, False), (2021, False), (2023, True)])
def test_declared_identities_flag_what_the_generator_broke(year: int, single: bool):
    for seed in range(6):
        rep = generate(random.Random(seed), year=year, single_other=single, consistent=seed % 2 == 0)
        got = pipeline.extract_bytes(render_pipe_text(rep).encode(), f"{year}.txt")
        failed = set(got.checks.loc[~got.checks["passed"].astype(bool), "check"])
        assert failed == set(identity_failures(rep))
        assert len(got.checks) > 0 and set(got.checks["severity"]) == {"error"}


def test_identity_ids_expand_per_key():
    req = pd.DataFrame({"outcome": ["granted", "granted"], "applicant": ["natural_person", "total"],
                        "value": [3.0, 4.0], "template": ["2019", "2019"]})
    rows = checks.table_checks("r", "requests", req)
    assert [(r["check"], r["lhs"], r["rhs"], r["passed"]) for r in rows] == []  # six columns needed, one printed
    req = pd.DataFrame({"outcome": ["granted"] * 7, "applicant": [a.key for a in labels.applicants()],
                        "value": [1.0, 0, 0, 0, 0, 0, 2.0], "template": ["2021"] * 7})
    rows = checks.table_checks("r", "requests", req)
    assert [(r["check"], r["lhs"], r["rhs"], r["passed"]) for r in rows] == [
        ("requests.row_total.granted", 2.0, 1.0, False)]


def test_a_new_version_is_a_declaration(tmp_path, monkeypatch):
    """Adding a version needs no code: a TOML (and CSV lines for its rows) is served, allowed and dated."""
    versions = tmp_path / "versions"
    shutil.copytree(labels.VERSIONS_DIR, versions)
    text = (labels.VERSIONS_DIR / "2021.toml").read_text(encoding="utf-8")
    (versions / "2021.toml").write_text(text.replace("last_year = 2100", "last_year = 2029"), encoding="utf-8")
    new = text.replace('name = "2021"', 'name = "2030"').replace("first_year = 2021", "first_year = 2030")
    (versions / "2030.toml").write_text(new.replace("default = true", "default = false"), encoding="utf-8")
    monkeypatch.setattr(labels, "VERSIONS_DIR", versions)
    for fn in (labels.versions, labels.markers, labels.table_words, labels.article_words, labels.amount_metrics):
        fn.cache_clear()
    try:
        assert labels.template_for_year(2031) == "2030" and labels.template_for_year(2025) == "2021"
        assert "2030" in _template_field().allowed_values()
        assert labels.version("2030").request_rows() == ()  # no CSV line names it yet: rows are data too
    finally:
        monkeypatch.undo()
        for fn in (labels.versions, labels.markers, labels.table_words, labels.article_words, labels.amount_metrics):
            fn.cache_clear()
