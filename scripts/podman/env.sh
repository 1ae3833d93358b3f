# shellcheck shell=bash
# Sourced by scripts/images and scripts/compose: podman reads the project's containers.conf
# (runc, ulimits, CNI) instead of anything changed in /etc/containers.
export CONTAINERS_CONF=$PATRONI_JVM_ROOT/scripts/podman/containers.conf
command -v podman >/dev/null || die "podman is not installed: run scripts/setup"
