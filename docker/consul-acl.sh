#!/bin/sh
# One-shot job (docker-compose.yml's consul_acl): once the Consul servers have a leader, creates
# the `patroni` policy and the agents' token from secrets/consul.env. Idempotent, so a second
# `up` finds both and exits 0. The servers bootstrap ACLs from acl.tokens.master in
# CONSUL_LOCAL_CONFIG; CONSUL_HTTP_TOKEN is that master token.
set -eu
: "${CONSUL_HTTP_TOKEN:?}" "${PATRONI_CONSUL_TOKEN:?}" "${PATRONI_CONSUL_TOKEN_ACCESSOR:?}"
export CONSUL_HTTP_ADDR=${CONSUL_HTTP_ADDR:-http://consul1:8500}

tries=0
until consul acl policy list >/dev/null 2>&1; do
    tries=$((tries + 1))
    if [ "$tries" -ge 120 ]; then
        echo "consul_acl: no Consul ACL leader at $CONSUL_HTTP_ADDR after 120 s:" >&2
        consul acl policy list >&2 || true
        exit 1
    fi
    sleep 1
done

# What the agents (and patronictl in their containers) do: read and write the cluster's keys,
# hold a session on their Consul agent, read the nodes that sessions are tied to.
cat > /tmp/patroni-policy.hcl <<'HCL'
key_prefix "service/" { policy = "write" }
session_prefix "" { policy = "write" }
node_prefix "" { policy = "read" }
agent_prefix "" { policy = "read" }
service_prefix "" { policy = "write" }
HCL
if ! consul acl policy read -name patroni >/dev/null 2>&1; then
    consul acl policy create -name patroni -description "patroni-jvm agents" -rules @/tmp/patroni-policy.hcl
fi
if ! consul acl token read -id "$PATRONI_CONSUL_TOKEN_ACCESSOR" >/dev/null 2>&1; then
    consul acl token create -accessor "$PATRONI_CONSUL_TOKEN_ACCESSOR" -secret "$PATRONI_CONSUL_TOKEN" \
        -policy-name patroni -description "patroni-jvm agents" >/dev/null
fi
echo "consul_acl: policy patroni and the agents' token are in place"
