#!/bin/sh
# The parts of the official Consul image's entrypoint that docker-compose.yml relies on:
# CONSUL_LOCAL_CONFIG becomes /consul/config/local.json, and `agent ...` gets the image's
# data and config directories. Anything else runs as given (`consul members`, a shell).
set -eu
if [ -n "${CONSUL_LOCAL_CONFIG:-}" ]; then
    umask 077
    printf '%s\n' "$CONSUL_LOCAL_CONFIG" > /consul/config/local.json
fi
if [ "${1:-}" = agent ]; then
    shift
    set -- consul agent -data-dir=/consul/data -config-dir=/consul/config "$@"
elif [ "${1:-}" != consul ] && consul "${1:-}" --help >/dev/null 2>&1; then
    set -- consul "$@"
fi
exec "$@"
