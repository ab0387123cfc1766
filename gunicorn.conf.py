"""gunicorn's settings for the portal, read from the working directory (the Dockerfile's and
`make bench`'s); the command line's options (workers, bind) come on top."""

import gc
import os


def post_worker_init(worker):
    """The application is loaded: its objects (modules, URL patterns, settings, models) live
    as long as the worker. Frozen, Python's collector no longer walks them at each full
    collection, which costs the pages that make many objects (docs/performance.md). GC_FREEZE=0
    leaves them unfrozen (to measure the difference)."""
    if os.environ.get("GC_FREEZE", "1") != "0":
        gc.freeze()
