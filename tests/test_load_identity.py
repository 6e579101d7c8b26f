"""Agency identity across years and adcodes, including districts merged in 2019 (金林区 ← 西林区 + 金山屯区)."""

from __future__ import annotations

from datetime import UTC, datetime

import pandas as pd
import pytest

import pipeline
from pipeline.batch import combine
from pipeline.load import build_release, open_release
from pipeline.load.identity import assign, resolve_adcode, split_name
from tests.conftest import REPO


def _reports(rows: list[tuple[str | None, str | None, int]]) -> pd.DataFrame:
    return pd.DataFrame([{"agency": a, "region": r, "year": y, "published_date": None, "report_id": str(i)}
                         for i, (a, r, y) in enumerate(rows)])


def test_agency_id_is_stable_across_a_title_change():
    ids, agencies = assign(_reports([("伊春市金林区人民政府", "伊春市", 2019), ("金林区人民政府", "金林区", 2020),
                                     ("伊春市金林区", "伊春市", 2021), ("伊春市金林区财政局", "伊春市", 2021)]))
    assert ids["agency_id"].iloc[0] == ids["agency_id"].iloc[1] == ids["agency_id"].iloc[2]
    assert ids["agency_id"].iloc[3] != ids["agency_id"].iloc[0]  # a department is another agency
    assert ids["adcode"].tolist() == ["230751"] * 4
    gov = agencies.set_index("agency_id").loc[ids["agency_id"].iloc[0]]
    assert gov["agency_key"] == "230751|人民政府" and gov["n_reports"] == 3
    assert (gov["first_year"], gov["last_year"]) == (2019, 2021)


def test_agency_id_without_adcode_uses_the_place_chain_of_the_dataset():
    # a fictional city: no adcode, identity from names; 白沙县 alone is completed to 云岭市/白沙县
    ids, _ = assign(_reports([("云岭市白沙县", "云岭市", 2019), ("白沙县人民政府", "云岭市", 2020),
                              ("白沙县人民政府", "白沙县", 2021), ("云岭市财政局", "云岭市", 2021)]))
    assert ids["agency_id"].nunique() == 2 and ids["agency_id"].iloc[:3].nunique() == 1
    assert ids["adcode"].isna().all()  # 白沙县 is not 海南's 白沙黎族自治县 nor 三明's 沙县: never a fuzzy match
    assert ids["agency_key"].iloc[0] == "云岭市/白沙县|人民政府"


def test_same_district_name_in_two_cities_are_two_agencies():
    ids, _ = assign(_reports([("北京市朝阳区人民政府", None, 2020), ("长春市朝阳区人民政府", None, 2020)]))
    assert ids["adcode"].tolist() == ["110105", "220104"]
    assert ids["agency_id"].nunique() == 2


def test_adcodes_of_merged_and_renamed_districts_come_from_the_data_file():
    assert resolve_adcode(["金林区"], 2019) == "230751"
    assert resolve_adcode(["伊春市", "金林区"], None) == "230751"
    assert resolve_adcode(["西林区"], 2018) == "230705"  # the predecessor keeps its own code
    assert resolve_adcode(["友好区"], 2018) == "230704" and resolve_adcode(["友好区"], 2020) == "230719"
    assert resolve_adcode(["朝阳区"], 2020) is None  # ambiguous without its city
    assert resolve_adcode(["云岭市", "东湖区"], 2020) is None  # unknown parent: never guess


def test_split_name_keeps_agency_bodies_whole():
    assert split_name("伊春市金林区人民政府") == (["伊春市", "金林区"], "人民政府")
    assert split_name("云岭市市场监督管理局") == (["云岭市"], "市场监督管理局")
    assert split_name("云岭市住房和城乡建设局") == (["云岭市"], "住房和城乡建设局")
    assert split_name("天津市和平区政府") == (["天津市", "和平区"], "人民政府")
    assert split_name("城市管理局") == ([], "城市管理局")


def test_example_report_of_jinlin_gets_its_adcode_in_the_release(tmp_path):
    report = pipeline.extract(REPO / "pipeline" / "samples" / "2019_jinlin_seed.txt")
    if report.row["region"] != "金林区":
        pytest.skip(f"metadata of the example changed: region {report.row['region']!r}")
    rel = build_release(combine([report]), tmp_path, now=datetime(2025, 1, 1, tzinfo=UTC))
    with open_release(rel) as con:
        row = con.execute("SELECT adcode, agency_id FROM report_summary").fetchone()
        key = con.execute("SELECT agency_key FROM agencies").fetchone()[0]
    assert row[0] == "230751" and key == "230751|人民政府"
