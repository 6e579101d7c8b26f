"""Extractor version: bump when extraction output may change, so incremental runs re-extract."""

EXTRACTOR_VERSION = "0.2.0"  # 0.2.0: pre2019 key figures (legacy table)
