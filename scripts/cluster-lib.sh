# shellcheck shell=bash
# Generation of a cluster's files (Consul servers, patroni.yml, PgBouncer, HAProxy) and the
# process helpers shared by scripts/cluster (loopback addresses) and scripts/chaos (one
# network namespace per host). Sourced after scripts/lib.sh; the caller owns `set -euo
# pipefail` and defines:
#   CLUSTER_DIR SCOPE TTL LOOP_WAIT RETRY_TIMEOUT PASSWORD RUN_USER HAPROXY_ADDR WRITE_PORT READ_PORT
#   consul_addr I, node_addr I, node_count
#   (optional) cluster_dcs, etcd_addr I: an etcd3 cluster instead of Consul (scripts/cluster)
# Optional hooks (defaults give scripts/cluster's files):
#   HBA_NET           network the nodes' pg_hba lines admit (default 127.0.0.0/8)
#   DCS_EXTRA         extra YAML lines inside bootstrap.dcs, indented 4 (e.g. synchronous_mode)
#   PG_MAX_CONNECTIONS  bootstrap.dcs max_connections (default 100)
#   PG_PARAMS_EXTRA   extra "name: value" lines for bootstrap.dcs.postgresql.parameters, one a line
#                     (bench/scale: max_wal_senders and max_replication_slots for 27 members)
#   NODE_EXTRA        extra top-level YAML for every patroni.yml (e.g. a watchdog section)
#   node_consul_addr I  the Consul server node I talks to (default server ((I-1) mod 3)+1)
#   node_data_dir I     node I's data directory (default $CLUSTER_DIR/nodeI/data)
#   BG_NETNS          network namespace start_bg runs its command in (default: none)
# Optional security (scripts/cluster sets them from its credentials file; empty: open, as before):
#   REST_USERNAME REST_PASSWORD   basic auth of the REST API's unsafe endpoints (restapi.authentication;
#                                 ctl and patronictl take it from there)
#   CONSUL_MASTER_TOKEN           Consul ACLs on, default deny, bootstrapped from acl.tokens.master
#   CONSUL_AGENT_TOKEN            the token the nodes give Consul (consul.token)
#   REST_TLS_DIR                  REST API over HTTPS with client certificates required
#                                 (restapi.certfile/keyfile/cafile, verify_client: required), a
#                                 ctl section with the client certificate ctl and patronictl use,
#                                 HAProxy checking over TLS with it; files from write_rest_tls

HBA_NET=${HBA_NET:-127.0.0.0/8}
DCS_EXTRA=${DCS_EXTRA:-}
PG_MAX_CONNECTIONS=${PG_MAX_CONNECTIONS:-100}
PG_PARAMS_EXTRA=${PG_PARAMS_EXTRA:-}
NODE_EXTRA=${NODE_EXTRA:-}
BG_NETNS=${BG_NETNS:-}
REST_USERNAME=${REST_USERNAME:-}
REST_PASSWORD=${REST_PASSWORD:-}
CONSUL_MASTER_TOKEN=${CONSUL_MASTER_TOKEN:-}
CONSUL_AGENT_TOKEN=${CONSUL_AGENT_TOKEN:-}
REST_TLS_DIR=${REST_TLS_DIR:-}
# Small-footprint JVM: one GC thread family, bounded heap and metaspace, C1 only. Measured in
# issue 17 (bench/results/2026-12-01-issue17b.md): CompileThresholdScaling=0.1 compiles the
# once-a-cycle code after 20 calls instead of 200 (idle CPU in the 2-4 minutes after a start
# about -40 %), a fixed 4 MiB young generation and free ratios 10-30 % pay for the larger
# code cache, and malloc's free memory goes back to the OS every 30 s (about -5 MiB).
JVM_FLAGS=${AGENT_JVM_FLAGS:--XX:+UseSerialGC -Xms8m -Xmx128m -Xmn4m -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=30 -XX:MaxMetaspaceSize=96m -XX:ReservedCodeCacheSize=32m -Xss512k -XX:TieredStopAtLevel=1 -XX:CompileThresholdScaling=0.1 -XX:TrimNativeHeapInterval=30000}

declare -F node_consul_addr >/dev/null || node_consul_addr() { consul_addr $(( ($1 - 1) % 3 + 1 )); }
declare -F node_data_dir >/dev/null || node_data_dir() { echo "$CLUSTER_DIR/node$1/data"; }

# Everything runs unprivileged: PostgreSQL refuses root, and nothing here needs it.
as_user() {
    if [[ $EUID -eq 0 ]]; then
        runuser -u "$RUN_USER" -- "$@"
    else
        "$@"
    fi
}

# pg_bin: PG_BIN_DIR from PATRONI_JVM_PG_BIN when set (the test suite sets it), else the
# newest installed PostgreSQL.
pg_bin() {
    if [[ -n "${PATRONI_JVM_PG_BIN:-}" ]]; then
        export PG_BIN_DIR=$PATRONI_JVM_PG_BIN
    else
        find_pg_bin
    fi
}

# Whether every node of an N-node cluster runs our agent (then Patroni's Python is not needed).
needs_all_ours() {
    local n=$1 i var
    for ((i = 1; i <= n; i++)); do
        var="AGENT_CMD_NODE$i"
        [[ -z "${!var:-}" && -z "${AGENT_CMD:-}" ]] || return 1
    done
    return 0
}

pid_alive() { [[ -n "${1:-}" ]] && kill -0 "$1" 2>/dev/null; }

# start_bg NAME LOGFILE CMD...: start detached in its own session and record its pid.
# The inner shell writes its own pid and then execs the command, so the recorded pid is
# the command's, whatever setsid or runuser fork on the way.
start_bg() {
    local name=$1 logfile=$2 pidfile=$CLUSTER_DIR/pids/$1.pid
    shift 2
    rm -f "$pidfile"
    # The log is opened by the inner shell, so it belongs to the user that runs the process
    # (opened by root it would be root's, and unreadable to a later non-root `status`).
    local pre=()
    [[ -z $BG_NETNS ]] || pre=(ip netns exec "$BG_NETNS")
    [[ $EUID -ne 0 ]] || pre+=(runuser -u "$RUN_USER" --)
    "${pre[@]}" setsid bash -c 'echo $$ >"$1"; exec >>"$2" 2>&1; shift 2; exec "$@"' start_bg "$pidfile" "$logfile" "$@" </dev/null >/dev/null 2>&1 &
    # Not a job of this shell: no "Killed" notice when a fault or `down` kills it.
    disown $!
    local i
    for ((i = 0; i < 50; i++)); do
        [[ -s $pidfile ]] && return 0
        sleep 0.1
    done
    die "$name did not start; see $logfile"
}

stop_pidfile() {
    local f=$1 sig=${2:-TERM} pid
    [[ -f $f ]] || return 0
    pid=$(cat "$f")
    if pid_alive "$pid"; then
        kill "-$sig" "$pid" 2>/dev/null || true
    fi
}

wait_gone() {
    local f=$1 secs=${2:-20} pid i
    [[ -f $f ]] || return 0
    pid=$(cat "$f")
    for ((i = 0; i < secs * 10; i++)); do
        pid_alive "$pid" || { rm -f "$f"; return 0; }
        sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null || true
    rm -f "$f"
}

java_bin() {
    find_jdk || die "no JDK >= 21: run scripts/setup"
    echo "$JAVA_HOME/bin/java"
}

write_consul_config() {
    local i=$1 dir=$CLUSTER_DIR/consul$1 addr
    addr=$(consul_addr "$i")
    mkdir -p "$dir/data"
    cat >"$dir/consul.hcl" <<EOF
node_name = "consul$i"
server = true
bootstrap_expect = 3
data_dir = "$dir/data"
bind_addr = "$addr"
client_addr = "$addr"
advertise_addr = "$addr"
retry_join = ["$(consul_addr 1)", "$(consul_addr 2)", "$(consul_addr 3)"]
disable_update_check = true
# Short test ttls need sessions below Consul's default 10 s minimum.
session_ttl_min = "1s"
ports { dns = -1 }
log_level = "WARN"
EOF
    if [[ -n $CONSUL_MASTER_TOKEN ]]; then
        # The servers' own registrations use the master token too (no client agents here).
        cat >>"$dir/consul.hcl" <<EOF
acl {
  enabled = true
  default_policy = "deny"
  down_policy = "extend-cache"
  enable_token_persistence = true
  tokens {
    master = "$CONSUL_MASTER_TOKEN"
    agent = "$CONSUL_MASTER_TOKEN"
  }
}
EOF
    fi
}

# consul_acl_setup: once the servers have a leader, the policy the agents need and their token
# (SecretID CONSUL_AGENT_TOKEN). Consul honours the master token only a moment after the
# election, while it sets up its ACL system: wait for GET /v1/acl/token/self to accept it.
consul_acl_setup() {
    [[ -n $CONSUL_MASTER_TOKEN ]] || return 0
    local base deadline=$((SECONDS + 60)) code="" out
    base="http://$(consul_addr 1):8500/v1/acl"
    while (( SECONDS < deadline )); do
        code=$(curl -s -m 2 -o /dev/null -w '%{http_code}' -H "X-Consul-Token: $CONSUL_MASTER_TOKEN" "$base/token/self" || true)
        [[ $code == 200 ]] && break
        sleep 0.5
    done
    [[ $code == 200 ]] || die "Consul did not accept the master token within 60 s (HTTP $code); see $CLUSTER_DIR/consul*/consul.log"
    # What Patroni and ours do: read and write the cluster's keys, hold sessions on the server
    # they talk to, read the nodes that sessions are tied to (and the agent's own node).
    local rules='key_prefix "service/" { policy = "write" }
session_prefix "" { policy = "write" }
node_prefix "" { policy = "read" }
agent_prefix "" { policy = "read" }
service_prefix "" { policy = "write" }'
    out=$(jq -n --arg r "$rules" '{Name: "patroni", Description: "patroni-jvm and Patroni agents", Rules: $r}' \
        | curl -s -m 10 -X PUT -H "X-Consul-Token: $CONSUL_MASTER_TOKEN" --data-binary @- "$base/policy") \
        && jq -e '.ID' >/dev/null 2>&1 <<<"$out" || die "creating the Consul policy patroni failed: $out"
    out=$(jq -n --arg s "$CONSUL_AGENT_TOKEN" '{SecretID: $s, Description: "agents", Policies: [{Name: "patroni"}]}' \
        | curl -s -m 10 -X PUT -H "X-Consul-Token: $CONSUL_MASTER_TOKEN" --data-binary @- "$base/token") \
        && jq -e '.AccessorID' >/dev/null 2>&1 <<<"$out" || die "creating the agents' Consul token failed: $out"
    log "Consul ACLs: default deny; policy patroni and the agents' token created"
}

# The node's DCS section. Consul: the server node_consul_addr names. etcd3 (when the caller
# defines cluster_dcs and etcd_addr and says etcd3): all three members, member ((i-1) mod 3)+1 first.
dcs_section() {
    local i=$1 first
    if declare -F cluster_dcs >/dev/null && [[ $(cluster_dcs) == etcd3 ]]; then
        first=$(( (i - 1) % 3 + 1 ))
        if [[ ${CLUSTER_ETCD_CLIENT:-all} == own ]]; then
            # One member and no member-list discovery: losing that member cuts the node off from
            # the DCS while the other two keep quorum (as a node's local Consul agent on Consul).
            printf 'etcd3:\n  hosts: %s:2379\n  use_proxies: true\n' "$(etcd_addr "$first")"
        else
            printf 'etcd3:\n  hosts: %s:2379,%s:2379,%s:2379\n' "$(etcd_addr "$first")" \
                "$(etcd_addr $(( first % 3 + 1 )))" "$(etcd_addr $(( (first + 1) % 3 + 1 )))"
        fi
    else
        printf 'consul:\n  host: %s:8500\n' "$(node_consul_addr "$i")"
        [[ -z $CONSUL_AGENT_TOKEN ]] || printf '  token: %s\n' "$CONSUL_AGENT_TOKEN"
    fi
}

# restapi.authentication when REST_USERNAME is set.
# write_rest_tls N: into $REST_TLS_DIR a CA, a server certificate for each of N nodes (its
# address as IP SAN) and one client certificate (CN ctl) for ctl, patronictl and HAProxy's
# checks; P-256 keys in PKCS#8, no extended key usage (a peer may use its cert as a client's).
write_rest_tls() {
    local n=$1 i d=$REST_TLS_DIR
    mkdir -p "$d"
    (umask 077
     openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 30 \
         -subj "/CN=patroni-jvm cluster CA" -keyout "$d/ca.key" -out "$d/ca.crt" 2>/dev/null
     for ((i = 0; i <= n; i++)); do
         local name=node$i san=""
         if (( i == 0 )); then name=ctl; else san="subjectAltName=IP:$(node_addr "$i")"; fi
         openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=$name" \
             -keyout "$d/$name.key" -out "$d/$name.csr" 2>/dev/null
         openssl x509 -req -in "$d/$name.csr" -CA "$d/ca.crt" -CAkey "$d/ca.key" -CAcreateserial -days 30 \
             ${san:+-extfile <(echo "$san")} -out "$d/$name.crt" 2>/dev/null
         rm -f "$d/$name.csr"
     done
     cat "$d/ctl.crt" "$d/ctl.key" >"$d/haproxy.pem")
}

# The REST API's scheme (https with REST_TLS_DIR).
rest_scheme() {
    if [[ -n $REST_TLS_DIR ]]; then echo https; else echo http; fi
}

# curl's options for the REST API: with REST_TLS_DIR the CA and the client certificate.
rest_curl_tls() {
    [[ -n $REST_TLS_DIR ]] || return 0
    printf '%s\n' --cacert "$REST_TLS_DIR/ca.crt" --cert "$REST_TLS_DIR/ctl.crt" --key "$REST_TLS_DIR/ctl.key"
}

# node I's restapi TLS lines and the ctl section (empty without REST_TLS_DIR).
restapi_tls() {
    [[ -n $REST_TLS_DIR ]] || return 0
    printf '  certfile: %s\n  keyfile: %s\n  cafile: %s\n  verify_client: required\n' \
        "$REST_TLS_DIR/node$1.crt" "$REST_TLS_DIR/node$1.key" "$REST_TLS_DIR/ca.crt"
}

ctl_tls() {
    [[ -n $REST_TLS_DIR ]] || return 0
    printf '\nctl:\n  certfile: %s\n  keyfile: %s\n  cacert: %s\n' \
        "$REST_TLS_DIR/ctl.crt" "$REST_TLS_DIR/ctl.key" "$REST_TLS_DIR/ca.crt"
}

restapi_auth() {
    [[ -n $REST_USERNAME ]] || return 0
    printf '  authentication:\n    username: %s\n    password: %s\n' "$REST_USERNAME" "$REST_PASSWORD"
}

write_node_config() {
    local i=$1 dir=$CLUSTER_DIR/node$1 addr auth tls ctl params_extra=""
    addr=$(node_addr "$i")
    [[ -z $PG_PARAMS_EXTRA ]] || params_extra=$(sed '/^ *$/d; s/^ */        /' <<<"$PG_PARAMS_EXTRA")
    auth=$(restapi_auth)
    tls=$(restapi_tls "$i")
    ctl=$(ctl_tls)
    mkdir -p "$dir/sock" "$dir/log"
    cat >"$dir/patroni.yml" <<EOF
# Generated by scripts/cluster for node$i; a plain Patroni configuration file.
scope: $SCOPE
namespace: /service/
name: node$i

restapi:
  listen: $addr:8008
  connect_address: $addr:8008${auth:+
$auth}${tls:+
$tls}${ctl:+
$ctl}

$(dcs_section "$i")

log:
  level: INFO

bootstrap:
  dcs:
    ttl: $TTL
    loop_wait: $LOOP_WAIT
    retry_timeout: $RETRY_TIMEOUT
    maximum_lag_on_failover: 1048576
${DCS_EXTRA:+$DCS_EXTRA
}    postgresql:
      use_pg_rewind: true
      use_slots: true
      parameters:
        wal_keep_size: 128MB
        max_connections: $PG_MAX_CONNECTIONS
${params_extra:+$params_extra
}  initdb:
  - encoding: UTF8
  - data-checksums
  pg_hba:
  - local all all trust
  - host replication replicator $HBA_NET scram-sha-256
  - host all all $HBA_NET scram-sha-256

postgresql:
  listen: $addr:5432
  connect_address: $addr:5432
  data_dir: $(node_data_dir "$i")
  bin_dir: $PG_BIN_DIR
  pgpass: $dir/pgpass
  authentication:
    superuser:
      username: postgres
      password: $PASSWORD
    replication:
      username: replicator
      password: $PASSWORD
    rewind:
      username: rewind_user
      password: $PASSWORD
  parameters:
    unix_socket_directories: '$dir/sock'
  pg_hba:
  - local all all trust
  - host replication replicator $HBA_NET scram-sha-256
  - host all all $HBA_NET scram-sha-256

tags:
  nofailover: false
  noloadbalance: false
  clonefrom: false
  nosync: false${NODE_EXTRA:+

$NODE_EXTRA}
EOF
    # PgBouncer in front of this node's PostgreSQL, transaction pooling as in the seed.
    cat >"$dir/pgbouncer.ini" <<EOF
[databases]
* = host=$addr port=5432

[pgbouncer]
listen_addr = $addr
listen_port = 6432
unix_socket_dir = $dir/sock
auth_type = scram-sha-256
auth_file = $dir/userlist.txt
pool_mode = transaction
max_client_conn = 200
default_pool_size = 20
server_connect_timeout = 3
server_login_retry = 1
ignore_startup_parameters = extra_float_digits,options
pidfile = $dir/pgbouncer.pid
admin_users = postgres
EOF
    printf '"postgres" "%s"\n"replicator" "%s"\n' "$PASSWORD" "$PASSWORD" >"$dir/userlist.txt"
    chmod 600 "$dir/userlist.txt"
}

write_haproxy_config() {
    local n=$1 i servers_w="" servers_r="" tls=""
    # The checks go over TLS with the client certificate; the traffic itself stays plain TCP.
    [[ -z $REST_TLS_DIR ]] || tls=" check-ssl verify none crt $REST_TLS_DIR/haproxy.pem"
    for ((i = 1; i <= n; i++)); do
        servers_w+="    server node$i $(node_addr "$i"):6432 maxconn 100 check port 8008$tls addr $(node_addr "$i")"$'\n'
        servers_r+="    server node$i $(node_addr "$i"):6432 maxconn 100 check port 8008$tls addr $(node_addr "$i")"$'\n'
    done
    cat >"$CLUSTER_DIR/haproxy.cfg" <<EOF
# Generated by scripts/cluster. Writes go to the node whose REST API says 200 on /primary,
# reads to the replicas. Checks every second, and sessions to a node marked down are cut,
# so clients of a demoted primary reconnect to the new one at once.
global
    maxconn 1000
    pidfile $CLUSTER_DIR/haproxy.pid

defaults
    mode tcp
    log global
    retries 2
    timeout client 30m
    timeout connect 4s
    timeout server 30m
    timeout check 2s

listen stats
    mode http
    bind $HAPROXY_ADDR:7000
    stats enable
    stats uri /

listen primary
    bind $HAPROXY_ADDR:$WRITE_PORT
    option httpchk OPTIONS /primary
    http-check expect status 200
    default-server inter 1s fall 2 rise 1 on-marked-down shutdown-sessions
$servers_w
listen replicas
    bind $HAPROXY_ADDR:$READ_PORT
    balance leastconn
    option httpchk OPTIONS /replica
    http-check expect status 200
    default-server inter 1s fall 2 rise 1 on-marked-down shutdown-sessions
$servers_r
EOF
}

start_consul() {
    local i=$1
    start_bg "consul$i" "$CLUSTER_DIR/consul$i/consul.log" "$CLUSTER_DIR/consul" agent "-config-file=$CLUSTER_DIR/consul$i/consul.hcl"
}

start_pgbouncer() {
    local i=$1 dir=$CLUSTER_DIR/node$1
    start_bg "pgbouncer$i" "$dir/log/pgbouncer.log" pgbouncer "$dir/pgbouncer.ini"
}


# Reads each node's REST API (GET /patroni) and prints one line per node:
#   name role state timeline replication
# replication is "streaming" for a replica that reports replication_state=streaming (Patroni
# >= 3.0.4, ours) or that a running primary lists as a streaming walsender under its member
# name (Patroni 3.0.2 reports no replication_state at all), "-" otherwise.
member_lines() {
    local i n body docs=""
    n=$(node_count)
    for ((i = 1; i <= n; i++)); do
        # shellcheck disable=SC2046 # one option per line, none with spaces
        body=$(curl -s -m 2 $(rest_curl_tls) "$(rest_scheme)://$(node_addr "$i"):8008/patroni" 2>/dev/null || true)
        [[ -n $body ]] && jq -e 'type == "object"' >/dev/null 2>&1 <<<"$body" || body='{"role":"unreachable"}'
        docs+=$(jq -c --arg n "node$i" '{name: $n, s: .}' <<<"$body")$'\n'
    done
    jq -r -s '
        ([.[] | select((.s.role == "master" or .s.role == "primary") and .s.state == "running")
              | .s.replication // [] | .[] | select(.state == "streaming") | .application_name]) as $walsenders
        | .[]
        | (if .s.role == "replica" and .s.state == "running"
               and (.s.replication_state == "streaming" or (.name as $n | $walsenders | index($n) != null))
           then "streaming" else "-" end) as $repl
        | "\(.name) \(.s.role // "-") \(.s.state // "-") \(.s.timeline // "-") \($repl)"' <<<"$docs"
}

