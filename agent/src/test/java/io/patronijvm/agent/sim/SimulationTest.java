package io.patronijvm.agent.sim;

import io.patronijvm.core.ha.LeaseMath;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The deterministic simulation (issue 5): {@code sim.seeds} seeds (default 2000) of 10 simulated
 * minutes each, real HaLoop and HaDecider on every node, invariants 1-5 checked every 100 ms step.
 * Replay one seed: {@code mvn -pl agent -am test -Dtest='SimulationTest#noInvariant*'
 * -Dsurefire.failIfNoSpecifiedTests=false -Dsim.seed=1234}, or run {@link SimMain} with the seed.
 * The mutation tests ignore {@code sim.seed}: each always runs the default seed range (stopping at
 * the first catch), so they can only pass by catching their mutation, never by not running.
 */
class SimulationTest {

    private static final long SEEDS = Long.getLong("sim.seeds", 2000);
    private static final String ONE = System.getProperty("sim.seed");

    @Test
    void noInvariantIsViolatedAcrossSeeds() {
        long first = ONE == null ? 1 : Long.parseLong(ONE);
        long count = ONE == null ? SEEDS : 1;
        SimRunner r = new SimRunner().runSeeds(first, count, SimMutations.NONE, false);
        System.out.println(r.summary());
        r.failures.stream().limit(3).forEach(f -> System.out.println(f.report()));
        r.failures.forEach(f -> System.out.println("VIOLATION seed " + f.seed() + ": " + f.violation()));
        assertThat(r.failures).as("seeds violating an invariant (first shown above)")
                .extracting(SimRunner.Failure::seed).isEmpty();
    }

    /** Same seed, same world: the whole event trace (every line, not only the printed tail) hashes the same. */
    @Test
    void aSeedReplaysToTheSameTrace() {
        long seed = ONE == null ? 7 : Long.parseLong(ONE);
        SimRunner.quietLogs();
        SimWorld.Result a = SimRunner.runOne(seed, SimMutations.NONE).result();
        SimWorld.Result b = SimRunner.runOne(seed, SimMutations.NONE).result();
        assertThat(a.traceLines()).isGreaterThan(20);
        assertThat(b.traceHash()).as("trace hash of seed " + seed).isEqualTo(a.traceHash());
        assertThat(b.trace()).isEqualTo(a.trace());
        assertThat(b.writes()).isEqualTo(a.writes());
    }

    /**
     * Mutation 1 (decision 3): with Patroni's lease rule (the leader believes it holds the lock
     * for ttl after a renewal) instead of ours (session TTL = ttl/2 minus a margin), a primary cut
     * off from the DCS keeps believing it leads after Consul may already have dropped its key, and
     * the simulation finds two primaries serving writes (invariant 1) within the default seed count.
     */
    @Test
    void patronisLeaseRuleIsCaughtAsSplitBrain() {
        // The lowest failing seed may show the mutation first as invariant 1c (two /primary 200s,
        // what HAProxy sees); the claim here is invariant 1 itself, so seeds are searched in
        // chunks until one shows two primaries serving writes.
        SimRunner.Failure caught = null;
        boolean any = false;
        for (long first = 1; first <= SEEDS && caught == null; first += SPLIT_BRAIN_CHUNK) {
            SimRunner r = new SimRunner().runSeeds(first, Math.min(SPLIT_BRAIN_CHUNK, SEEDS - first + 1),
                    SimMutations.LEASE_TTL, false);
            any |= !r.failures.isEmpty();
            caught = r.failures.stream().filter(f -> f.violation().contains("split brain")).findFirst().orElse(null);
        }
        assertThat(any).as("a seed where the mutated lease rule violates an invariant").isTrue();
        assertThat(caught).as("a seed where it gives two primaries serving writes (invariant 1)").isNotNull();
        System.out.println("MUTATION lease=ttl caught at seed " + caught.seed() + " (invariant 1): " + caught.report());
    }

    private static final long SPLIT_BRAIN_CHUNK = 100;

    /**
     * docs/etcd-lease.md: etcd expires a lease exactly at its TTL (= ttl). On etcd seeds (every
     * seventh, {@code seed % 7 == 4}, run on {@code InMemoryDcs.Store.etcdSemantics()}) the etcd
     * rule (ttl minus the margin) holds; the main run above already checks those seeds. Believing
     * Consul's grace (the key lives 2 x TTL) on etcd is caught as two writable primaries: only
     * etcd seeds are run here, so the catch is etcd's and not Consul's.
     */
    @Test
    void consulsGraceBelievedOnEtcdIsCaughtAsSplitBrain() {
        SimRunner.quietLogs();
        String caught = null;
        String earlier = null;
        long seen = 0;
        for (long seed = 4; seed <= SEEDS && caught == null; seed += 7) {
            if (!SimProfile.etcdFor(seed)) {
                continue;
            }
            seen++;
            SimWorld.Result r = SimRunner.runOne(seed, SimMutations.ETCD_CONSUL_GRACE).result();
            String found = r.violation() == null ? null : "seed " + seed + " (" + r.profile().label() + "): "
                    + r.violation();
            // A node paused inside its promotion that still believes its lease promotes after its key
            // expired (invariant 2) on earlier seeds; the split brain is what this test is about.
            if (found != null && found.contains("split brain")) {
                caught = found;
            } else if (found != null && earlier == null) {
                earlier = found;
            }
        }
        System.out.println("MUTATION etcd-consul-grace after " + seen + " etcd seeds: " + caught
                + (earlier == null ? "" : "; first caught otherwise at " + earlier));
        assertThat(caught).as("an etcd seed where believing a 2 x TTL lease violates an invariant").isNotNull()
                .contains("split brain");
    }

    /**
     * Mutation 2 (decision 3, self-fencing): the lease timer never fires. A leader whose HA thread
     * hangs (LOOP_STALL) keeps PostgreSQL writable after its lease ran out; once its key expired
     * and another node promoted, invariant 1b fails within the default seed count.
     */
    @Test
    void skippingSelfFencingIsCaughtAsAnUnfencedPrimary() {
        SimRunner r = new SimRunner().runSeeds(1, SEEDS, SimMutations.NO_SELF_FENCE, true);
        r.failures.stream().limit(1).forEach(f -> System.out.println(
                "MUTATION no-self-fence caught at seed " + f.seed() + " (invariant 1b): " + f.report()));
        assertThat(r.failures).as("a seed where skipping self-fencing violates an invariant").isNotEmpty();
        assertThat(r.failures.get(0).violation()).contains("not fenced");
    }

    /**
     * Mutation 3 (R23.11): replicas ignore {@code status.optime}. Since the leader publishes its
     * WAL position after each renewal (R19), a replica that fell behind (replication stall, crash,
     * a frozen leader) races and wins while more than maximum_lag_on_failover behind, and
     * invariant 4 fails within the default seed count (first at seed 416 of 2,000).
     */
    @Test
    void skippingTheLagCheckIsCaughtAsALaggingPromotion() {
        SimRunner r = new SimRunner().runSeeds(1, SEEDS, SimMutations.NO_LAG_CHECK, true);
        r.failures.stream().limit(1).forEach(f -> System.out.println(
                "MUTATION no-lag-check caught at seed " + f.seed() + " (invariant 4): " + f.report()));
        assertThat(r.failures).as("a seed where skipping the lag check violates an invariant").isNotEmpty();
        assertThat(r.failures.get(0).violation()).contains("lagging");
    }

    @Test
    void ourLeaseIsShorterThanTheEarliestKeyExpiry() {
        for (int ttl : new int[] {10, 30}) {
            assertThat(LeaseMath.provableLeaseNanos(ttl)).isLessThan(LeaseMath.sessionTtlNanos(ttl));
        }
    }

    /**
     * Mutation 4 (invariant 3): in sync mode replicas race ignoring /sync and their peers; a
     * replica that is not a synchronous standby wins and lacks acknowledged writes.
     */
    @Test
    void aSyncBlindRaceIsCaughtAsLostAcknowledgedWrites() {
        expectCaught(SimMutations.SYNC_BLIND_RACE, "acknowledged write lost");
    }

    /** Mutation 5 (invariant 5): replicas never repoint to a new leader; the cluster never converges. */
    @Test
    void replicasThatNeverFollowANewLeaderAreCaughtAsNotConverged() {
        expectCaught(SimMutations.NO_FOLLOW, "not converged");
    }

    /**
     * Mutation 6 (invariant 1c): the REST API's health rule says primary when the last DCS view
     * names the node leader, instead of when it holds a provable lease (decision 3). A primary cut
     * off from the DCS is fenced in time (invariant 1 holds), but its {@code /primary} keeps
     * answering 200 next to the new primary's: HAProxy would see two healthy primaries.
     */
    @Test
    void aHealthRuleThatTrustsAStaleViewIsCaughtAsTwoHealthyPrimaries() {
        expectCaught(new SourceMutant.Change("core", "io.patronijvm.core.status.HealthCheck",
                "} else if (s.holdsLease(nowNanos)) {",
                "} else if (s.cluster() != null && s.cluster().isLeader(s.name())) {"),
                "two nodes whose health endpoint says primary");
    }

    /**
     * Mutation 7 (invariant 2): LongActions no longer re-checks the provable lease right before
     * {@code pg_ctl promote}. A node paused inside its promotion (a VM pause, SIGSTOP, a long GC)
     * resumes after its key expired and another node promoted; when the slot's thread runs before
     * the lease timer's (nothing orders them), the job promotes without holding the lock.
     */
    @Test
    void promotingWithoutTheLeaseCheckIsCaughtAsAPromotionWithoutTheLock() {
        expectCaught(new SourceMutant.Change("agent", "io.patronijvm.agent.ha.LongActions",
                "if (!lease.holds(ctx.clock().nanoTime())) {\n            // The lease lapsed while we waited",
                "if (false) {\n            // The lease lapsed while we waited"),
                "promoted without holding the lock");
    }

    private static void expectCaught(SourceMutant.Change mutant, String violation) {
        String[] caught = SourceMutant.firstFailure(mutant, SEEDS);
        assertThat(caught).as("a seed of 1.." + SEEDS + " where the mutant of " + mutant.type()
                + " violates an invariant").isNotNull();
        System.out.println("MUTATION " + mutant.type() + " caught at seed " + caught[0] + ": " + caught[2]);
        assertThat(caught[1]).contains(violation);
    }

    private static void expectCaught(SimMutations.Variant mutation, String violation) {
        SimRunner r = new SimRunner().runSeeds(1, SEEDS, mutation, true);
        r.failures.stream().limit(1).forEach(f -> System.out.println(
                "MUTATION " + mutation.name() + " caught at seed " + f.seed() + ": " + f.report()));
        assertThat(r.failures).as("a seed of 1.." + SEEDS + " where mutation " + mutation.name()
                + " violates an invariant").isNotEmpty();
        assertThat(r.failures.get(0).violation()).contains(violation);
    }
}
