# shellcheck shell=bash
# Helpers for bench/run: two local clusters side by side (ours and real Patroni), each driven
# through scripts/cluster with its own loopback range and state folder.
# Sourced by bench/run, which owns `set -euo pipefail` and the cleanup trap.

BENCH_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
BENCH_DIR=${BENCH_DIR:-/var/tmp/bench-cluster}
BENCH_PASSWORD=patroni-demo
PGJDBC_JAR=""

# Each agent's cluster: ours on 127.0.30-32.x, Patroni on 127.0.33-35.x (CLUSTER_NET).
net_of() { case $1 in ours) echo "${BENCH_NET_OURS:-30}" ;; patroni) echo "${BENCH_NET_PATRONI:-33}" ;; esac; }
dir_of() { echo "$BENCH_DIR/$1"; }
node_addr() { echo "127.0.$(($(net_of "$1") + 1)).$2"; }
consul_url() { echo "http://127.0.$(net_of "$1").1:8500"; }
# BENCH_DCS (consul | etcd3): the DCS both clusters run on (scripts/cluster's CLUSTER_DCS).
BENCH_DCS=${BENCH_DCS:-consul}
etcd_url() { echo "http://127.0.$(net_of "$1").1:2379"; }

# key_spec AGENT KEY: where BenchClient reads one key of the cluster (consul:URL or etcd3:URL|KEY).
key_spec() {
    if [[ $BENCH_DCS == etcd3 ]]; then
        echo "etcd3:$(etcd_url "$1")|/service/demo/$2"
    else
        echo "consul:$(consul_url "$1")/v1/kv/service/demo/$2"
    fi
}

# dcs_get AGENT KEY: the key's value (empty when absent or unanswered).
dcs_get() {
    if [[ $BENCH_DCS == etcd3 ]]; then
        curl -s -m 2 -X POST -d "{\"key\":\"$(printf '%s' "/service/demo/$2" | base64 -w0)\"}" \
            "$(etcd_url "$1")/v3/kv/range" 2>/dev/null | jq -r '.kvs[0].value // "" | @base64d' 2>/dev/null || true
    else
        curl -s -m 2 "$(consul_url "$1")/v1/kv/service/demo/$2?raw" 2>/dev/null || true
    fi
}

# dcs_session AGENT KEY: the session (Consul) or lease (etcd) the key is bound to, "none" if unbound.
dcs_session() {
    if [[ $BENCH_DCS == etcd3 ]]; then
        curl -s -m 2 -X POST -d "{\"key\":\"$(printf '%s' "/service/demo/$2" | base64 -w0)\"}" \
            "$(etcd_url "$1")/v3/kv/range" | jq -r '.kvs[0].lease // "none"'
    else
        curl -s -m 2 "$(consul_url "$1")/v1/kv/service/demo/$2" | jq -r '.[0].Session // "none"'
    fi
}
haproxy_addr() { echo "127.0.$(($(net_of "$1") + 2)).1"; }
label_of() { case $1 in ours) echo "patroni-jvm" ;; patroni) echo "Patroni 3.0.2" ;; esac; }

blog() { printf '%s [bench] %s\n' "$(date +%T)" "$*" >&2; }

# cl AGENT ARGS...: scripts/cluster for that agent's cluster, with the profile's timing.
cl() {
    local agent=$1
    shift
    local -a env=(CLUSTER_NET="$(net_of "$agent")" CLUSTER_DIR="$(dir_of "$agent")" CLUSTER_SKIP_SETUP=1
        CLUSTER_DCS="$BENCH_DCS"
        CLUSTER_TTL="$TTL" CLUSTER_LOOP_WAIT="$LOOP_WAIT" CLUSTER_RETRY_TIMEOUT="$RETRY_TIMEOUT")
    if [[ $agent == patroni ]]; then
        env+=(AGENT_CMD=/usr/bin/patroni)
    else
        env+=(CLUSTER_AGENT_JAR="$BENCH_DIR/agent.jar")
    fi
    env "${env[@]}" timeout 600 "$BENCH_ROOT/scripts/cluster" "$@"
}

now_ms() { date +%s%3N; }

# The member name holding the leader key, or nothing.
leader_of() { dcs_get "$1" leader; }

# member_lines AGENT: "name role state repl" per node, from each node's GET /patroni (the same
# reading as scripts/cluster: Patroni 3.0.2 reports no replication_state, so a replica counts
# as streaming when the running primary lists it as a streaming walsender).
member_lines() {
    local agent=$1 i body docs=""
    for i in 1 2 3; do
        body=$(curl -s -m 2 "http://$(node_addr "$agent" "$i"):8008/patroni" 2>/dev/null || true)
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
        | "\(.name) \(.s.role // "-") \(.s.state // "-") \($repl)"' <<<"$docs"
}

is_healthy() {
    local lines
    lines=$(member_lines "$1")
    [[ $(grep -c -E '^node[0-9]+ (master|primary) running ' <<<"$lines") == 1 ]] &&
        [[ $(grep -c -E '^node[0-9]+ replica running streaming$' <<<"$lines") == 2 ]]
}

# wait_healthy AGENT SECONDS [POLL]: until 1 primary + 2 streaming replicas; fails loudly.
wait_healthy() {
    local agent=$1 secs=$2 poll=${3:-0.5} deadline
    deadline=$(($(date +%s) + secs))
    while (($(date +%s) < deadline)); do
        is_healthy "$agent" && return 0
        sleep "$poll"
    done
    member_lines "$agent" >&2
    blog "$agent: not healthy within $secs s"
    return 1
}

# wait_sync AGENT SECONDS: until the sync key names a synchronous standby.
wait_sync() {
    local agent=$1 secs=$2 deadline body
    deadline=$(($(date +%s) + secs))
    while (($(date +%s) < deadline)); do
        body=$(dcs_get "$agent" sync)
        [[ -n $body ]] && jq -e '.sync_standby != null and .sync_standby != ""' >/dev/null 2>&1 <<<"$body" && return 0
        sleep 0.5
    done
    blog "$agent: no synchronous standby within $secs s (sync key: ${body:-none})"
    return 1
}

agent_pid() { cat "$(dir_of "$1")/pids/node$2.pid" 2>/dev/null || true; }

# proc_start_ms PID: the process's start time in epoch ms (starttime ticks since boot, placed
# on the wall clock through /proc/uptime read at the same moment; 10 ms resolution).
proc_start_ms() {
    local pid=$1 ticks up now hz
    hz=$(getconf CLK_TCK)
    ticks=$(awk '{ sub(/^.*\) /, ""); print $20 }' "/proc/$pid/stat")
    read -r up _ </proc/uptime
    now=$(now_ms)
    awk -v n="$now" -v u="$up" -v t="$ticks" -v hz="$hz" 'BEGIN { printf "%.0f\n", n - (u - t / hz) * 1000 }'
}

# cpu_ticks PID: utime+stime, and utime+stime+cutime+cstime (waited children), in ticks.
cpu_ticks() {
    awk '{ sub(/^.*\) /, ""); print $12 + $13, $12 + $13 + $14 + $15 }' "/proc/$1/stat"
}

rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }
# Resident memory with pages shared between processes (the three JVMs' mapped AOT cache and
# libjvm, Python's shared libraries) counted once per sharer: the figure that sums per node.
pss_kb() { awk '/^Pss:/ { print $2 }' "/proc/$1/smaps_rollup"; }
thread_count() { awk '/^Threads:/ { print $2 }' "/proc/$1/status"; }

# run_sql AGENT SQL: through HAProxy's write port.
run_sql() {
    PGPASSWORD=$BENCH_PASSWORD PGCONNECT_TIMEOUT=3 timeout 20 "$PG_BIN_DIR/psql" -X -q -v ON_ERROR_STOP=1 \
        -h "$(haproxy_addr "$1")" -p 5000 -U postgres -d postgres -c "$2"
}

jdbc_url() { echo "jdbc:postgresql://$(haproxy_addr "$1"):5000/postgres?user=postgres&password=$BENCH_PASSWORD"; }

# start_writer AGENT REP OUT: the 50 ms writer in the background; WRITER_PID, WRITER_STOP set.
start_writer() {
    local agent=$1 rep=$2 out=$3
    WRITER_STOP=$out.stop
    rm -f "$WRITER_STOP" "$out"
    timeout 400 "$JAVA_HOME/bin/java" -Xmx64m -XX:+UseSerialGC -cp "$BENCH_DIR/classes:$PGJDBC_JAR" BenchClient writer \
        "$(jdbc_url "$agent")" "$(key_spec "$agent" leader)" "$rep" "$out" "$WRITER_STOP" 300 \
        2>"$out.err" &
    WRITER_PID=$!
}

# wait_acks OUT N SECONDS: until the writer has N acknowledged writes.
wait_acks() {
    local out=$1 n=$2 secs=$3 deadline
    deadline=$(($(date +%s) + secs))
    while (($(date +%s) < deadline)); do
        local have
        have=$(grep -c '^W ' "$out" 2>/dev/null || true)
        ((${have:-0} >= n)) && return 0
        sleep 0.2
    done
    blog "writer: fewer than $n acked writes within $secs s; see $out $out.err"
    return 1
}

# wait_ack_on OUT ADDR AFTER_MS SECONDS: until a write after AFTER_MS was acked by ADDR
# (ADDR "!x" means any address other than x).
wait_ack_on() {
    local out=$1 addr=$2 after=$3 secs=$4 deadline
    deadline=$(($(date +%s) + secs))
    while (($(date +%s) < deadline)); do
        awk -v a="$addr" -v t="$after" '$1 == "W" && $2 > t && ((substr(a, 1, 1) == "!" && $4 != substr(a, 2)) || $4 == a) { f = 1 } END { exit !f }' \
            "$out" 2>/dev/null && return 0
        sleep 0.2
    done
    blog "writer: no write acked by $addr within $secs s; see $out"
    return 1
}

stop_writer() {
    [[ -n ${WRITER_PID:-} ]] || return 0
    touch "$WRITER_STOP"
    wait "$WRITER_PID" 2>/dev/null || true
    WRITER_PID=""
}

load_avg() { cut -d' ' -f1-3 /proc/loadavg; }

# record PROFILE AGENT METRIC VALUE: one measurement for the report.
record() { printf '%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" >>"$RESULTS_TSV"; }
note() { printf '%s\n' "$*" >>"$NOTES"; }
