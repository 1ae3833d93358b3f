package io.patronijvm.core.ha;

import io.patronijvm.core.model.Member;
import io.patronijvm.core.model.Role;

import java.util.List;

/**
 * The small state the loop carries between cycles; the decider reads it and never changes it.
 * The loop/executor updates it from action outcomes (each field says who sets it).
 *
 * @param prePromoteFailedAtNanos monotonic time the last {@code pre_promote} failed, or {@link #NEVER}
 *                                (R21/R23.1: such a node skips the race for ttl seconds). Set by Promote.
 * @param rewind                  pg_rewind state (R36 to R39), see {@link RewindState}
 * @param role                    the last role we published (member key, REST); set by the executor
 *                                through {@link RoleTransitions#check}
 * @param pgSeenRunning           PostgreSQL has been seen running since the agent started (R13: on_start fires once)
 * @param crashRestartAttempts    consecutive failed starts after a crash (reset when PG runs)
 * @param bootstrapping           we won the initialize race and the bootstrap has not finished (R8)
 * @param startingSinceNanos      monotonic time PostgreSQL started starting as primary or crash recovery
 *                                began, or {@link #NEVER}; primary_start_timeout counts from here (R7, R33, R35)
 * @param lastLockedMembers       the members of the last view that had a leader (Patroni's {@code old_cluster});
 *                                R23.11 probes them too, because after an outage that expired every session
 *                                the member keys of nodes that are still alive are gone. Set by the loop
 *                                from each view it reads.
 * @param watchdog                what the watchdog allows (R23.8, R21); set by the loop each cycle and when it
 *                                arms the watchdog after renewing or acquiring the lock
 */
public record Memory(
        long prePromoteFailedAtNanos,
        RewindState rewind,
        Role role,
        boolean pgSeenRunning,
        int crashRestartAttempts,
        boolean bootstrapping,
        long startingSinceNanos,
        List<Member> lastLockedMembers,
        WatchdogStatus watchdog) {

    /** "Never happened" for the nanosecond timestamps. */
    public static final long NEVER = Long.MIN_VALUE;

    /** What a freshly started agent knows. */
    public static final Memory INITIAL =
            new Memory(NEVER, RewindState.INITIAL, Role.UNINITIALIZED, false, 0, false, NEVER, List.of(),
                    WatchdogStatus.OK);

    public Memory {
        rewind = rewind == null ? RewindState.INITIAL : rewind;
        role = role == null ? Role.UNINITIALIZED : role;
        lastLockedMembers = lastLockedMembers == null ? List.of() : List.copyOf(lastLockedMembers);
        watchdog = watchdog == null ? WatchdogStatus.OK : watchdog;
    }

    public Memory withRewind(RewindState r) {
        return new Memory(prePromoteFailedAtNanos, r, role, pgSeenRunning, crashRestartAttempts, bootstrapping,
                startingSinceNanos, lastLockedMembers, watchdog);
    }

    public Memory withRole(Role r) {
        return new Memory(prePromoteFailedAtNanos, rewind, r, pgSeenRunning, crashRestartAttempts, bootstrapping,
                startingSinceNanos, lastLockedMembers, watchdog);
    }

    public Memory withPrePromoteFailedAt(long nanos) {
        return new Memory(nanos, rewind, role, pgSeenRunning, crashRestartAttempts, bootstrapping, startingSinceNanos,
                lastLockedMembers, watchdog);
    }

    public Memory withPgSeenRunning(boolean seen) {
        return new Memory(prePromoteFailedAtNanos, rewind, role, seen, crashRestartAttempts, bootstrapping,
                startingSinceNanos, lastLockedMembers, watchdog);
    }

    public Memory withCrashRestartAttempts(int n) {
        return new Memory(prePromoteFailedAtNanos, rewind, role, pgSeenRunning, n, bootstrapping, startingSinceNanos,
                lastLockedMembers, watchdog);
    }

    public Memory withBootstrapping(boolean b) {
        return new Memory(prePromoteFailedAtNanos, rewind, role, pgSeenRunning, crashRestartAttempts, b,
                startingSinceNanos, lastLockedMembers, watchdog);
    }

    public Memory withStartingSince(long nanos) {
        return new Memory(prePromoteFailedAtNanos, rewind, role, pgSeenRunning, crashRestartAttempts, bootstrapping,
                nanos, lastLockedMembers, watchdog);
    }

    public Memory withLastLockedMembers(List<Member> members) {
        return new Memory(prePromoteFailedAtNanos, rewind, role, pgSeenRunning, crashRestartAttempts, bootstrapping,
                startingSinceNanos, members, watchdog);
    }

    public Memory withWatchdog(WatchdogStatus w) {
        return new Memory(prePromoteFailedAtNanos, rewind, role, pgSeenRunning, crashRestartAttempts, bootstrapping,
                startingSinceNanos, lastLockedMembers, w);
    }
}
