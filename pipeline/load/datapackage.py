"""Frictionless `datapackage.json` of a release, generated from the schema registry.

One resource per table (its CSV file); every field with its description, Table Schema type, unit (a custom
`unit` property) and allowed keys as `constraints.enum`; `required` fields as `constraints.required`;
report_id as the reports' primary key and foreign key of the value tables. The Parquet partitions of a table
are named in the resource's custom `parquet` property.
"""

from __future__ import annotations

from typing import Any

from pipeline import schema
from pipeline.version import EXTRACTOR_VERSION

_TYPES = {"string": "string", "float": "number", "int": "integer", "bool": "boolean"}
_TITLES = {
    "reports": "One row per document (report)",
    "proactive": "Table 二 (proactive disclosure), one row per cell",
    "requests": "Table 三 (requests received and handled), one row per cell",
    "reviews": "Table 四 (administrative reviews and lawsuits), one row per cell",
    "checks": "Arithmetic identities evaluated: per report (template) and across years (series.*)",
    "sections": "The report's prose, one row per numbered part",
    "legacy": "Key figures of the reports before the national template (pre2019), one row per figure found",
    "sources": "Every URL a document was downloaded from",
    "agencies": "Agencies across years (stable agency_id)",
    "quality": "Data-quality summary per source and reporting year",
}
_KEYED = {"proactive", "requests", "reviews", "checks", "sections", "sources", "legacy"}


def _field(f: schema.Field, table: str) -> dict[str, Any]:
    out: dict[str, Any] = {"name": f.name, "type": _TYPES[f.dtype], "description": f.description}
    if f.name == "value" and table == "proactive":
        out["description"] += f"; unit by metric: {', '.join(f'{k} in {u}' for k, u in schema.METRIC_UNITS.items())}"
        out["unit"] = "万元 for " + ", ".join(schema.METRIC_UNITS) + "; a count otherwise"
    elif f.unit:
        out["unit"] = f.unit
    constraints: dict[str, Any] = {}
    if f.required:
        constraints["required"] = True
    allowed = f.allowed_values()
    if allowed is not None:
        constraints["enum"] = list(allowed)
    if constraints:
        out["constraints"] = constraints
    return out


def descriptor(name: str, created: str) -> dict[str, Any]:
    """The datapackage.json descriptor of a release (resources: csv/<table>.csv)."""
    resources = []
    for table, fields in schema.TABLES.items():
        res: dict[str, Any] = {
            "name": table, "title": _TITLES.get(table, table), "path": f"csv/{table}.csv",
            "profile": "tabular-data-resource",
            "format": "csv", "mediatype": "text/csv", "encoding": "utf-8-sig",
            "dialect": {"delimiter": ",", "quoteChar": '"', "header": True},
            "schema": {"fields": [_field(f, table) for f in fields], "missingValues": [""]},
            "parquet": f"parquet/{table}/",
        }
        if table == "reports":
            res["schema"]["primaryKey"] = ["report_id"]
        if table in _KEYED:
            res["schema"]["foreignKeys"] = [{"fields": ["report_id"],
                                             "reference": {"resource": "reports", "fields": ["report_id"]}}]
        if table == "agencies":
            res["schema"]["primaryKey"] = ["agency_id"]
        resources.append(res)
    return {
        "profile": "tabular-data-package", "name": "ogi-reports", "title": "政府信息公开工作年度报告 datasets",
        "description": "Every cell of tables 二, 三 and 四 of China's government information-disclosure annual "
                       "reports, with provenance; generated from pipeline/schema.py.",
        "version": name, "created": created,
        "ogi:extractor_version": EXTRACTOR_VERSION, "resources": resources,
    }
