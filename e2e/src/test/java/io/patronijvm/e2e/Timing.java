package io.patronijvm.e2e;

import java.time.Duration;

/**
 * The cluster's HA timing (bootstrap.dcs in the generated patroni.yml) and the deadlines the
 * tests derive from it. Deadlines are generous multiples scaled by {@code timing.multiple}:
 * the tests print the real figures and only fail when something does not happen at all.
 */
record Timing(int ttl, int loopWait, int retryTimeout, E2eEnv env) {

    /** Short timings keep the suite fast: loop_wait + 2 * retry_timeout = 8 <= ttl (spec T2). */
    static Timing shortFor(E2eEnv env) {
        return new Timing(10, 2, 3, env);
    }

    private Duration seconds(long s) {
        return env.scaled(Duration.ofSeconds(s));
    }

    /** A dead leader's key goes about ttl after its last renewal (spec 3.19); then race, promote, HAProxy. */
    Duration failover() {
        return seconds(2L * ttl + 3L * loopWait + 20);
    }

    /** A planned switchover (patronictl waits itself; this bounds what a client sees). */
    Duration switchover() {
        return seconds(3L * loopWait + 30);
    }

    /** Restart of PostgreSQL, pg_rewind, rejoin as a streaming replica. */
    Duration rejoin() {
        return seconds(2L * ttl + 90);
    }

    /** A state change the loop notices within a few cycles (pause flag, REST view). */
    Duration fewLoops() {
        return seconds(4L * loopWait + 15);
    }

    /** How long `scripts/cluster up` may wait for a healthy cluster, seconds. */
    long clusterWaitSeconds() {
        return seconds(240).toSeconds();
    }
}
