"""Extractor version: bump when extraction output may change, so incremental runs re-extract."""

EXTRACTOR_VERSION = "0.3.0"  # 0.3.0: checks carry family, kind, scope, subject, related_report_id, related_year
