# Empty on purpose: the benchmarks pass every gunicorn setting on the command line, so the
# project's own gunicorn.conf.py (JSON access log and workers from CPU count) does not change
# the floor and the app differently.
