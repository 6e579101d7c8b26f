"""Extractor version: bump when extraction output may change, so incremental runs re-extract."""

EXTRACTOR_VERSION = "0.1.0"
