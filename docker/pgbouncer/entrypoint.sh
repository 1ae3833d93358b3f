#!/bin/sh
# Writes PgBouncer's auth_file from the environment, readable by this user only, then
# replaces itself with pgbouncer so that signals reach it.
set -eu
: "${PGBOUNCER_USER:?PGBOUNCER_USER is not set: run docker/init-secrets and use env_file secrets/pgbouncer.env}"
: "${PGBOUNCER_PASSWORD:?PGBOUNCER_PASSWORD is not set: run docker/init-secrets and use env_file secrets/pgbouncer.env}"
umask 077
mkdir -p /tmp/pgbouncer
# userlist.txt doubles quotes inside a quoted field.
printf '"%s" "%s"\n' "$(printf '%s' "$PGBOUNCER_USER" | sed 's/"/""/g')" \
    "$(printf '%s' "$PGBOUNCER_PASSWORD" | sed 's/"/""/g')" > /tmp/pgbouncer/userlist.txt
exec pgbouncer "$@"
