#!/bin/sh
# Runs the agent as PID 1's child-free replacement: exec, so SIGTERM from `docker stop`
# reaches the agent, which then hands the leader lock over (R63) before exiting.
set -eu
# The PostgreSQL binaries of the official image live under /usr/lib/postgresql/<major>/bin.
if [ -z "${PATRONI_POSTGRESQL_BIN_DIR:-}" ]; then
    PATRONI_POSTGRESQL_BIN_DIR=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
    export PATRONI_POSTGRESQL_BIN_DIR
fi
exec "$@"
