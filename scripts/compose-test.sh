# shellcheck shell=bash
# `scripts/compose test`, sourced by scripts/compose (uses its pc, container, ip, rest, secret,
# wait_healthy, leader, members_table, cmd_up, cmd_down, left_behind). Every step polls with a
# deadline and, on failure, says what it saw; the cluster is removed whatever happens.

T0=$SECONDS
step() { printf '==> [%4d s] %s\n' $((SECONDS - T0)) "$*" >&2; }
fail() {
    printf 'FAIL: %s\n' "$*" >&2
    save_logs
    exit 1
}

save_logs() {
    local c
    for c in $(podman ps -a --format '{{.Names}}' --filter "label=io.podman.compose.project=$PROJECT"); do
        podman logs "$c" >"$STATE_DIR/$c.log" 2>&1 || true
    done
    printf 'container logs saved in %s\n' "$STATE_DIR" >&2
}

# psql_at PORT SQL -> rows (unaligned, tuples only); exit status 0 only when the server answered.
psql_at() {
    PGPASSWORD=$PG_PASSWORD PGCONNECT_TIMEOUT=2 timeout 10 \
        psql -X -q -A -t -v ON_ERROR_STOP=1 -h "$PATRONI_JVM_PUBLISH_ADDR" -p "$1" -U postgres -d postgres -c "$2"
}

# until_ok SECONDS WHAT CMD... : polls CMD every 0.5 s until it succeeds, fails naming WHAT.
until_ok() {
    local limit=$1 what=$2 deadline
    shift 2
    deadline=$((SECONDS + limit))
    until "$@" >/dev/null 2>&1; do
        (( SECONDS < deadline )) || fail "$what: not within $limit s (last: $("$@" 2>&1 | tail -n 3 | tr '\n' ' '))"
        sleep 0.5
    done
}

now_ms() { date +%s%3N; }
secs() { awk -v ms="$1" 'BEGIN { printf "%.1f", ms / 1000 }'; }
# The longest time between two consecutive acknowledged writes: the write outage clients saw.
max_gap() { awk 'NR > 1 && $2 - prev > gap { gap = $2 - prev } { prev = $2 } END { print gap + 0 }' "$ACKED"; }

# The writer: one INSERT per connection through HAProxy's write port, as fast as they go.
# An id goes into ACKED (with the time) only after PostgreSQL confirmed its commit.
writer() {
    local i=0
    while [[ ! -e $STOP ]]; do
        i=$((i + 1))
        if psql_at 5000 "insert into acked(id) values ($i)" >/dev/null 2>&1; then
            printf '%d %d\n' "$i" "$(now_ms)" >>"$ACKED"
        fi
    done
}

# Checks for until_ok; they read the state anew on every call.
acked_at_least() { (( $(wc -l <"$ACKED") >= $1 )); }
replicas_see() { [[ $(psql_at 5001 "$1" 2>/dev/null) == "$2" ]]; }

http_code() { curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$@"; }

check_security() {
    local leader_ip consul_ip code token
    leader_ip=$(ip "$1")
    consul_ip=$(ip consul1)
    code=$(http_code -X POST -d '{}' "http://$leader_ip:8008/restart")
    [[ $code == 401 ]] || fail "POST /restart without credentials answered $code, wanted 401"
    code=$(http_code -X PATCH -d '{"loop_wait": 1}' "http://$leader_ip:8008/config")
    [[ $code == 401 ]] || fail "PATCH /config without credentials answered $code, wanted 401"
    step "REST: POST /restart and PATCH /config without credentials -> 401"
    code=$(http_code -X PUT -d intruder "http://$consul_ip:8500/v1/kv/service/demo/leader")
    [[ $code == 403 ]] || fail "Consul KV write of the leader key without a token answered $code, wanted 403"
    token=$(secret patroni.env PATRONI_CONSUL_TOKEN)
    code=$(http_code -X PUT -H "X-Consul-Token: $token" -d probe "http://$consul_ip:8500/v1/kv/service/compose-test-probe")
    [[ $code == 200 ]] || fail "Consul KV write with the agents' token answered $code, wanted 200"
    code=$(http_code -X DELETE -H "X-Consul-Token: $token" "http://$consul_ip:8500/v1/kv/service/compose-test-probe")
    [[ $code == 200 ]] || fail "Consul KV delete with the agents' token answered $code"
    step "Consul: KV write without a token -> 403, with the agents' token -> 200"
}

cmd_test() {
    trap 'save_logs >/dev/null 2>&1; cmd_down || true' EXIT
    step "removing any earlier $PROJECT"
    cmd_down
    step "scripts/compose up (project $PROJECT, HAProxy on $PATRONI_JVM_PUBLISH_ADDR)"
    cmd_up
    PG_PASSWORD=$(secret pgbouncer.env PGBOUNCER_PASSWORD)
    local first old new kill_ms new_ms first_write_ms lost rows replica
    first=$(leader)
    [[ -n $first ]] || fail "no leader after up"
    step "healthy: leader $first"
    check_security "$first"

    until_ok 30 "write through HAProxy :5000" psql_at 5000 "create table if not exists acked(id int primary key)"
    [[ $(psql_at 5001 "select pg_is_in_recovery()") == t ]] || fail "HAProxy :5001 did not reach a replica"
    step "HAProxy: :5000 reaches the primary, :5001 a replica"

    ACKED=$STATE_DIR/acked.txt STOP=$STATE_DIR/stop
    rm -f "$ACKED" "$STOP"
    : >"$ACKED"
    writer &
    local writer_pid=$!
    until_ok 30 "10 acknowledged writes" acked_at_least 10
    until_ok 30 "the first writes visible through :5001" \
        replicas_see "select count(*) from acked where id in ($(head -n 10 "$ACKED" | awk '{ print $1 }' | paste -sd,))" 10
    step "writer running; its first rows are read back through :5001"

    old=$first
    kill_ms=$(now_ms)
    podman kill "$(container "$old")" >/dev/null
    step "killed the primary's container $(container "$old") (SIGKILL: agent and PostgreSQL die together)"
    local deadline=$((SECONDS + 120))
    new=""
    while (( SECONDS < deadline )); do
        new=$(leader)
        [[ -n $new && $new != "$old" ]] && break
        new=""
        sleep 0.5
    done
    [[ -n $new ]] || fail "no new leader within 120 s; members: $(members_table | tr '\n' ';')"
    new_ms=$(now_ms)
    step "$new is the new leader (REST API), $(secs $((new_ms - kill_ms))) s after the kill"
    until_ok 60 "an acknowledged write through HAProxy after the failover" \
        awk -v t="$new_ms" '$2 >= t { found = 1 } END { exit !found }' "$ACKED"
    step "HAProxy follows: writes acknowledged again through :5000, $(secs $(( $(awk -v t="$new_ms" '$2 >= t { print $2; exit }' "$ACKED") - kill_ms ))) s after the kill; longest gap between acknowledged writes $(secs "$(max_gap)") s"
    until_ok 30 "20 acknowledged writes on the new primary" \
        awk -v t="$new_ms" '$2 >= t { n++ } END { exit !(n >= 20) }' "$ACKED"
    touch "$STOP"
    wait "$writer_pid" || true

    rows=$STATE_DIR/rows.txt
    psql_at 5000 "select id from acked order by id" >"$rows" || fail "cannot read back through :5000"
    lost=$(comm -23 <(awk '{ print $1 }' "$ACKED" | sort) <(sort "$rows") | wc -l)
    (( lost == 0 )) || fail "$lost acknowledged writes are missing on the new primary (see $ACKED, $rows)"
    step "no acknowledged write lost: $(wc -l <"$ACKED") acknowledged, all $(wc -l <"$rows") rows on $new"

    podman start "$(container "$old")" >/dev/null
    wait_healthy
    [[ $(leader) == "$new" ]] || fail "leader changed to $(leader) when $old came back"
    step "$old restarted and rejoined as a streaming replica of $new"
    until_ok 60 "every row on the replicas through :5001" \
        replicas_see "select count(*) from acked" "$(wc -l <"$rows" | tr -d ' ')"

    replica=$old
    local out t0
    # The node image has no Python: patronictl is docker/patronictl, our `java -jar /agent.jar ctl`.
    out=$(podman exec "$(container "$replica")" sh -c 'command -v python3 || command -v python' 2>&1) \
        && fail "Python in the node image: $out"
    podman exec "$(container "$replica")" sh -c 'grep -q "agent\.jar.* ctl" "$(command -v patronictl)"' \
        || fail "patronictl in the node image is not docker/patronictl"
    t0=$(now_ms)
    out=$(podman exec "$(container "$replica")" patronictl -c /patroni.yml list 2>&1) \
        || fail "patronictl list inside $(container "$replica") failed: $out"
    step "patronictl list (docker/patronictl, no Python in the image) took $(secs $(( $(now_ms) - t0 ))) s"
    printf '%s\n' "$out" >&2
    for m in "${MEMBERS[@]}"; do
        grep -q "| $m " <<<"$out" || fail "patronictl list does not show $m"
    done
    grep -Eq "\| $new +\| [^|]+\| Leader " <<<"$out" || fail "patronictl list does not show $new as Leader"
    out=$(podman exec "$(container "$new")" patronictl -c /patroni.yml restart demo "$replica" --force 2>&1) \
        || fail "patronictl restart (with the REST credentials from the environment) failed: $out"
    grep -q "Success: restart on member $replica" <<<"$out" || fail "patronictl restart said: $out"
    wait_healthy
    step "patronictl list inside a container; patronictl restart of $replica with the REST credentials"

    trap - EXIT
    save_logs >/dev/null 2>&1
    cmd_down || fail "something was left behind"
    step "PASS in $((SECONDS - T0)) s"
}
