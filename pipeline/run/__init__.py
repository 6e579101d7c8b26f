"""`ogi run`: the scheduled scrape → extract → load, with a lock, a log file, a run report and exit codes."""

from pipeline.run.codes import LOCKED, NOT_WRITABLE, OK, SOME_FAILED, USAGE
from pipeline.run.lock import LockHeld, RunLock
from pipeline.run.orchestrate import RunResult, run_pipeline
from pipeline.run.outcome import DocumentOutcome, FailedCheck, ReportGroup, RunSummary, report_groups

__all__ = ["LOCKED", "NOT_WRITABLE", "OK", "SOME_FAILED", "USAGE", "DocumentOutcome", "FailedCheck", "LockHeld",
           "ReportGroup", "RunLock", "RunResult", "RunSummary", "report_groups", "run_pipeline"]
