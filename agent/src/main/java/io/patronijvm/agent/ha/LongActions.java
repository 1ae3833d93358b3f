package io.patronijvm.agent.ha;

import io.patronijvm.core.dcs.DcsOutcome;
import io.patronijvm.core.ha.Action;
import io.patronijvm.core.ha.CallbackEvent;
import io.patronijvm.core.ha.DemoteMode;
import io.patronijvm.core.ha.RewindState;
import io.patronijvm.core.model.ClusterView;
import io.patronijvm.core.model.Member;
import io.patronijvm.core.model.Role;
import io.patronijvm.core.model.SyncState;
import io.patronijvm.core.pg.LocalPgState;
import io.patronijvm.core.pg.PgException;
import io.patronijvm.core.pg.RewindVerdict;
import io.patronijvm.core.pg.StopMode;
import io.patronijvm.core.pg.Upstream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Set;

/**
 * The bodies of the long actions (T4). Each runs in the async slot, reports its result through
 * {@link LoopState}, and never assumes the lock: a promotion re-checks the provable lease right
 * before {@code pg_ctl promote}, because the lease may have lapsed while the slot was busy.
 */
final class LongActions {

    private static final Logger log = LoggerFactory.getLogger(LongActions.class);

    private final HaContext ctx;
    private final LoopState state;
    private final LeaseGuard lease;
    private final LeaseRenewal renewal;
    private final Runnable fatal;
    /** Withdraws the lease claim from the REST snapshot at once (see {@link LoopState#steppingDown()}). */
    private final Runnable stepDown;
    private final WatchdogDuty watchdog;

    LongActions(HaContext ctx, LoopState state, LeaseRenewal renewal, LeaseGuard lease, Runnable fatal,
                Runnable stepDown) {
        this.ctx = ctx;
        this.stepDown = stepDown;
        this.renewal = renewal;
        this.state = state;
        this.lease = lease;
        this.fatal = fatal;
        this.watchdog = new WatchdogDuty(ctx, state);
    }

    AsyncSlot.Job job(Action.LongRunning a, ClusterView view) {
        return switch (a) {
            case Action.Bootstrap b -> this::bootstrap;
            case Action.Clone c -> () -> {
                ctx.pg().cloneFrom(c.source());
                startReplica(Upstreams.of(c.source()));
            };
            case Action.StartPostgres s -> () -> start(s, view);
            case Action.Promote p -> () -> promote(view, p.usedTimeline());
            case Action.Demote d -> () -> demote(d, view);
            case Action.Rewind r -> () -> rewind(r);
            case Action.Reinitialize r -> () -> {
                ctx.pg().stop(StopMode.IMMEDIATE, ctx.startTimeout());
                ctx.pg().removeDataDirectory();
                state.setRole(Role.UNINITIALIZED);
                state.updateMemory(m -> m.withRewind(RewindState.INITIAL));
                ctx.pg().cloneFrom(r.source());
                startReplica(Upstreams.of(r.source()));
            };
            case Action.CopyLogicalSlots c -> () -> {
                Member leader = view == null || view.leader() == null ? null
                        : view.member(view.leader().name()).orElse(null);
                if (leader == null || leader.connUrl() == null) {
                    throw new PgException("copying logical slots " + c.names() + ": the leader has no conn_url");
                }
                log.info("copying logical slots {} from the primary {}", c.names(), leader.name());
                ctx.pg().copyLogicalSlots(leader, c.names());
            };
            case Action.Restart r -> () -> {
                ctx.pg().restart(ctx.startTimeout());
                ctx.callbacks().fire(CallbackEvent.ON_RESTART, state.memory().role());
            };
        };
    }

    private void bootstrap() throws Exception {
        state.updateMemory(m -> m.withBootstrapping(true));
        try {
            io.patronijvm.core.config.StandbyCluster standby = state.config().standby();
            if (standby != null) {
                bootstrapStandbyLeader(standby);
                return;
            }
            ctx.pg().bootstrap(ctx.startTimeout());
            ctx.pg().postBootstrap();
            if (!watchdog.armForBootstrap()) {
                throw new PgException("Cancelling bootstrap because watchdog activation failed");
            }
            LocalPgState pg = ctx.pg().observe();
            ctx.dcs().writeInitialize(pg.sysid());
            if (!ctx.bootstrapDcs().isEmpty()) {
                ctx.dcs().writeConfig(ctx.bootstrapDcs(), 0);
            }
            long start = ctx.clock().nanoTime();
            if (ctx.dcs().acquireLeader().ok()) {
                renewal.renewedFrom(start);
            }
            state.setRole(Role.PRIMARY);
        } catch (PgException e) {
            log.error("bootstrap failed: {}; cancelling initialization (R16)", e.getMessage());
            ctx.dcs().cancelInitialize();
            log.error("data directory moved aside to {}", ctx.pg().cancelBootstrap());
            fatal.run();
            throw e;
        } finally {
            state.updateMemory(m -> m.withBootstrapping(false));
        }
    }

    /**
     * R15 in a standby cluster (Patroni's {@code bootstrap_standby_leader}): no initdb and no
     * post_bootstrap; the winner clones the remote primary with standby_cluster's
     * create_replica_methods, follows it and takes the lock as standby leader.
     */
    private void bootstrapStandbyLeader(io.patronijvm.core.config.StandbyCluster sc) throws Exception {
        if (sc.host() == null) {
            throw new PgException("standby_cluster has no host to clone the standby leader from");
        }
        Member remote = new Member("remote member", null, 0, sc.connUrl(),
                null, "running", Role.PRIMARY, null, null, null, null, null, false, false, null, null);
        log.info("clone from remote member {}", remote.connUrl());
        ctx.pg().cloneFrom(remote, sc.createReplicaMethods());
        Upstream up = Upstream.remote(sc.host(), sc.port(), sc.primarySlotName());
        ctx.pg().start(up, true, ctx.startTimeout());
        ctx.dcs().writeInitialize(ctx.pg().observe().sysid());
        if (!ctx.bootstrapDcs().isEmpty()) {
            ctx.dcs().writeConfig(ctx.bootstrapDcs(), 0);
        }
        long start = ctx.clock().nanoTime();
        if (ctx.dcs().acquireLeader().ok()) {
            renewal.renewedFrom(start);
        }
        state.setRole(Role.STANDBY_LEADER);
    }

    private void startReplica(Upstream up) throws PgException, InterruptedException {
        ctx.pg().start(up, true, ctx.startTimeout());
        state.setRole(Role.REPLICA);
    }

    private void start(Action.StartPostgres s, ClusterView view) throws Exception {
        watchdog.disable(); // R34: not needed until the next promotion
        try {
            ctx.pg().start(s.upstream(), s.asReplica(), ctx.startTimeout());
            state.setRole(s.asReplica() ? Role.REPLICA : Role.PRIMARY);
        } catch (PgException e) {
            if (lease.holds(ctx.clock().nanoTime()) && view != null && view.leader() != null) {
                // R34: a holder that cannot start must not keep the cluster leaderless.
                state.setRole(Role.DEMOTED);
                ctx.callbacks().fire(CallbackEvent.ON_ROLE_CHANGE, Role.DEMOTED);
                ctx.dcs().releaseLeader(view.leader());
                lease.clear();
                log.error("removed leader key after trying and failing to start postgres");
            }
            throw e;
        }
    }

    private void promote(ClusterView view, int usedTimeline) throws Exception {
        if (state.config().synchronousMode() && view != null) {
            SyncState cur = view.sync();
            Set<String> standbys = cur == null ? Set.of() : cur.syncStandbys();
            DcsOutcome o = ctx.dcs().writeSync(new SyncState(ctx.name(), standbys, 0), cur == null ? 0 : cur.version());
            if (!o.ok()) {
                log.warn("postponing promotion: could not write /sync ({}) (R52)", o.detail());
                return;
            }
        }
        if (!ctx.callbacks().prePromote(ctx.startTimeout())) {
            state.updateMemory(m -> m.withPrePromoteFailedAt(ctx.clock().nanoTime()));
            if (view != null && view.leader() != null) {
                ctx.dcs().releaseLeader(view.leader());
            }
            lease.clear();
            return;
        }
        if (!lease.holds(ctx.clock().nanoTime())) {
            // The lease lapsed while we waited in the slot: promoting now could make a second primary.
            log.warn("not promoting: the provable lease ran out before pg_ctl promote");
            return;
        }
        state.lastPromoteLsn(ctx.pg().observe().walPosition());
        state.setRole(Role.PROMOTED);
        ctx.pg().promote(ctx.startTimeout(), usedTimeline);
        state.setRole(Role.PRIMARY);
        ctx.callbacks().fire(CallbackEvent.ON_ROLE_CHANGE, Role.PRIMARY);
        try {
            ctx.pg().checkpoint();
        } catch (PgException e) {
            log.warn("post-promote checkpoint failed: {}", e.getMessage());
        }
    }

    private void demote(Action.Demote d, ClusterView view) throws Exception {
        state.steppingDown(true);
        stepDown.run();
        try {
            demoteSteps(d, view);
        } finally {
            state.steppingDown(false);
        }
    }

    private void demoteSteps(Action.Demote d, ClusterView view) throws Exception {
        DemoteMode mode = d.mode();
        if (mode.checkpoint()) {
            try {
                ctx.pg().checkpoint();
            } catch (PgException e) {
                log.warn("checkpoint before demote failed: {}", e.getMessage());
            }
        }
        ctx.pg().stop(mode.stopMode(), ctx.startTimeout());
        watchdog.disable(); // 3.7: no client backend is left to write
        if (mode == DemoteMode.GRACEFUL) {
            SwitchoverRelease.waitAndRelease(ctx, lease, view, state.config().synchronousMode());
        } else if (mode.releaseLock() && view != null && view.isLeader(ctx.name())) {
            ctx.dcs().releaseLeader(view.leader());
        }
        lease.clear();
        state.setRole(Role.DEMOTED);
        state.updateMemory(m -> m.withRewind(RewindState.CHECK));
        ctx.callbacks().fire(CallbackEvent.ON_ROLE_CHANGE, Role.REPLICA);
        startReplica(d.followAfter());
    }

    private void rewind(Action.Rewind r) throws Exception {
        ctx.pg().stop(StopMode.FAST, ctx.startTimeout());
        try {
            ctx.pg().rewind(r.leader());
        } catch (PgException e) {
            // R38: only a failure against a usable leader is FAILED (which waits for a reinit); when the
            // leader became unusable meanwhile (stopped, unreachable, in recovery) a later cycle checks again.
            boolean leaderUsable = ctx.pg().checkDivergence(r.leader()) != RewindVerdict.UNKNOWN;
            if (!leaderUsable) {
                log.warn("pg_rewind failed because the leader {} became unusable; checking again next cycle",
                        r.leader().name());
            }
            state.updateMemory(m -> m.withRewind(leaderUsable ? RewindState.FAILED : RewindState.CHECK));
            throw e;
        }
        state.updateMemory(m -> m.withRewind(RewindState.SUCCESS));
        startReplica(Upstreams.of(r.leader()));
    }
}
