#!/bin/sh
# Replaces itself with the agent (exec), so SIGTERM from `docker stop` (through the init that
# docker-compose.yml asks for) reaches the agent, which then hands the leader lock over (R63) before exiting.
set -eu
# The PostgreSQL binaries of the official image live under /usr/lib/postgresql/<major>/bin.
if [ -z "${PATRONI_POSTGRESQL_BIN_DIR:-}" ]; then
    PATRONI_POSTGRESQL_BIN_DIR=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
    export PATRONI_POSTGRESQL_BIN_DIR
fi
# A container restarted after a kill keeps its file system but not its processes: the lock
# file of PostgreSQL's socket survives, naming a PID that may now belong to one of this
# container's JVM threads, and PostgreSQL would then refuse to start ("lock file already
# exists"). Only locks whose PID is not a running postgres are removed.
for lock in /var/run/postgresql/.s.PGSQL.*.lock; do
    [ -f "$lock" ] || continue
    pid=$(head -n 1 "$lock" 2>/dev/null || true)
    if [ -z "$pid" ] || [ "$(cat "/proc/$pid/comm" 2>/dev/null || true)" != postgres ]; then
        rm -f "$lock" "${lock%.lock}"
    fi
done
exec "$@"
