"""Loaded by the fork server the CPU workers are forked from (``flows.daily.warm_cpu_pool``): importing
it imports the pipeline's stage modules and runs them once on tiny pages, so every worker forked from
the server starts with them imported and their first-use state built. No Prefect here: the server must
stay a plain single-threaded process that is safe to fork."""

import gc

from pipeline.batch import warm_up

warm_up()
# Move everything built so far out of the collector's reach: a worker's collections then never write to
# these objects' headers, so the pages it shares with the server stay shared instead of being copied
# (Python's advice for processes forked without exec).
gc.freeze()
