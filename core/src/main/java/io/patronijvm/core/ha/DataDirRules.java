package io.patronijvm.core.ha;

import io.patronijvm.core.model.ClusterView;
import io.patronijvm.core.model.Member;
import io.patronijvm.core.model.Role;
import io.patronijvm.core.pg.StopMode;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/** The data directory and bootstrap (R8 to R10, R15 to R18). */
public final class DataDirRules {

    private static final Pattern SYSID = Pattern.compile("\\d{10,}");

    private DataDirRules() {
    }

    static Step check(HaInput in) {
        return switch (in.pg().dataDir()) {
            case EMPTY -> Step.done(empty(in));
            case INVALID -> Step.done(invalid(in));
            case VALID -> valid(in);
        };
    }

    /** R9: empty data directory. */
    private static Decision empty(HaInput in) {
        List<Action> pre = new ArrayList<>();
        if (in.memory().role() != Role.UNINITIALIZED && RoleTransitions.allowed(in.memory().role(), Role.UNINITIALIZED)) {
            pre.add(new Action.SetRole(Role.UNINITIALIZED));
        }
        if (in.pg().postmasterRunning()) {
            pre.add(new Action.StopPostgres(StopMode.IMMEDIATE));
        }
        if (in.viewSaysLeader()) {
            pre.add(new Action.ReleaseLock());
            return new Decision(pre, Reason.DATA_DIR_EMPTY_RELEASED_LOCK,
                    "released leader key voluntarily as data dir empty and currently leader");
        }
        if (in.paused()) {
            return new Decision(pre, Reason.PAUSED_PG_STOPPED, "data directory is empty; not bootstrapping in pause");
        }
        return bootstrap(in).prepend(pre);
    }

    /** R15 to R18: create a new cluster, clone, or wait. */
    private static Decision bootstrap(HaInput in) {
        ClusterView v = in.view();
        if (!v.isLocked()) {
            if (!v.hasInitializeKey() && !in.selfTags().noFailover() && in.local().hasBootstrapSection()) {
                return switch (in.lastAttempt()) {                                                    // R15
                    case INITIALIZE_WON -> Decision.of(Reason.BOOTSTRAP_STARTED, "trying to bootstrap a new cluster",
                            new Action.Bootstrap());
                    case INITIALIZE_LOST -> Decision.of(Reason.BOOTSTRAP_LOST, "failed to acquire initialize lock");
                    default -> Decision.of(Reason.RACING_FOR_INITIALIZE, "racing to initialize a new cluster",
                            new Action.RaceInitialize());
                };
            }
            if (in.local().cloneWithoutLeader() && !"".equals(v.initialize())) {                     // R18
                return Decision.of(Reason.CLONING_WITHOUT_LEADER, "trying to bootstrap (without leader)",
                        new Action.Clone(null));
            }
            return Decision.of(Reason.WAITING_FOR_LEADER_TO_BOOTSTRAP, "waiting for leader to bootstrap");
        }
        Optional<Member> cloneFrom = v.members().stream()                                           // R17
                .filter(m -> !m.name().equals(in.self()) && m.tags().cloneFrom() && m.isRunning())
                .min(Comparator.comparing(Member::name));
        if (cloneFrom.isPresent()) {
            return Decision.of(Reason.CLONING, "trying to bootstrap from replica '" + cloneFrom.get().name() + "'",
                    new Action.Clone(cloneFrom.get()));
        }
        Member leader = Facts.leaderMember(in);
        if (leader == null) {
            return Decision.of(Reason.WAITING_FOR_LEADER_TO_BOOTSTRAP, "waiting for leader to bootstrap");
        }
        return Decision.of(Reason.CLONING, "trying to bootstrap from leader '" + leader.name() + "'",
                new Action.Clone(leader));
    }

    /** Not empty and not a data directory: never touched (and never deleted). */
    private static Decision invalid(HaInput in) {
        String msg = "data directory is not empty and is not a PostgreSQL data directory; not touching it";
        return in.viewSaysLeader()
                ? Decision.of(Reason.DATA_DIR_INVALID, msg, new Action.ReleaseLock())
                : Decision.of(Reason.DATA_DIR_INVALID, msg);
    }

    /**
     * R10: the data directory's system identifier is not the one the cluster was initialized with,
     * so the node belongs to another cluster (and exits unless paused).
     */
    public static boolean belongsToAnotherCluster(ClusterView view, String sysid) {
        return view.initializeIsSysid() && sysid != null && !view.initialize().equals(sysid);
    }

    /** R10: data present. */
    private static Step valid(HaInput in) {
        ClusterView v = in.view();
        String sysid = in.pg().sysid();
        if (sysid == null || !SYSID.matcher(sysid).matches()) {
            String msg = "system identifier of the data directory is unknown or invalid; consider reinitialize";
            // Patroni returns here without update_lock, so a holder's key runs out; ours was renewed
            // before deciding, so it is given up instead: a holder that cannot start again must not
            // keep the cluster without a writable primary (issue 12, defect 1).
            return Step.done(in.viewSaysLeader()
                    ? Decision.of(Reason.DATA_DIR_INVALID, msg + "; released the leader key", new Action.ReleaseLock())
                    : Decision.of(Reason.DATA_DIR_INVALID, msg));
        }
        if (belongsToAnotherCluster(v, sysid)) {
            String msg = "system ID mismatch, node " + in.self() + " belongs to a different cluster: "
                    + v.initialize() + " != " + sysid;
            if (in.paused()) {
                return Step.done(in.viewSaysLeader()
                        ? Decision.of(Reason.SYSID_MISMATCH_PAUSED, msg, new Action.ReleaseLock())
                        : Decision.of(Reason.SYSID_MISMATCH_PAUSED, msg));
            }
            return Step.done(Decision.of(Reason.SYSID_MISMATCH, msg, new Action.Exit(msg)));
        }
        if (!v.hasInitializeKey() && !v.isLocked() && !in.paused()) {
            if (in.pg().isReplica()) {
                String msg = "No initialize key in DCS and PostgreSQL is running as replica, aborting start. "
                        + "Please first start Patroni on the node running as primary";
                return Step.done(Decision.of(Reason.REPLICA_WITHOUT_PRIMARY, msg, new Action.Exit(msg)));
            }
            return Step.then(List.of(new Action.WriteInitialize(sysid)));                             // adopt
        }
        return Step.NEXT;
    }
}
