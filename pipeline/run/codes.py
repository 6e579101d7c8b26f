"""Exit statuses of `ogi run` (and `ogi demo`)."""

OK = 0  # every source ok or partial, no document this run extracted failed, release built
SOME_FAILED = 1  # some sources or documents failed, but a release was built; or nothing was stored at all
USAGE = 2  # bad arguments: unknown source id, unreadable or invalid registry
NOT_WRITABLE = 3  # the output folder cannot be written, or building the release failed (previous one intact)
LOCKED = 4  # another run holds OUT/.ogi-run.lock; this one did nothing

MEANING = {OK: "ok", SOME_FAILED: "some sources or documents failed, or nothing was stored", USAGE: "usage error",
           NOT_WRITABLE: "output not writable or release failed", LOCKED: "another run holds the lock"}
