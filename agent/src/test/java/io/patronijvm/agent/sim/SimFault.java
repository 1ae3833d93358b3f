package io.patronijvm.agent.sim;

/** One injected fault or operator request, at a world time, lasting {@code durationNanos} where that applies. */
record SimFault(Kind kind, long atNanos, long durationNanos, int node, int otherNode) {

    enum Kind { CRASH_NODE, PG_CRASH, FREEZE_AGENT, LOOP_STALL, PARTITION_FROM_DCS, DCS_DOWN, FAILING_PROBES, STALL_REPLICATION,
        SWITCHOVER, FAILOVER }

    long endNanos() {
        return atNanos + durationNanos;
    }
}
