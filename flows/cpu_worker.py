"""Loaded by the fork server the CPU workers are forked from (``flows.daily.warm_cpu_pool``): importing
it imports the pipeline's stage modules and runs them once on a tiny page, so every worker forked from
the server starts with them imported and their first-use state built. No Prefect here: the server must
stay a plain single-threaded process that is safe to fork."""

from pipeline.batch import warm_up

warm_up()
