package io.patronijvm.core.ha;

import io.patronijvm.core.model.Role;
import io.patronijvm.core.pg.DataDirState;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * Numbered scenarios (Stolon style): one input, the expected reason and the expected actions in
 * order. Rule numbers refer to spec section 3.
 */
class DecisionTableTest {

    static Stream<Arguments> scenarios() {
        return Stream.of(
                row("01 R20 healthy replica follows the leader", Scenario.replica(),
                        Reason.FOLLOWING_LEADER),
                row("02 R19 leader renews and stays", Scenario.leader(),
                        Reason.LEADER_RENEWED),
                row("03 R19 leader renew fails (unavailable): demote immediate-nolock",
                        Scenario.leader().with(s -> s.lock = LockState.RENEW_FAILED_UNAVAILABLE),
                        Reason.DEMOTED_LOCK_LOST, "Demote"),
                row("04 R19 leader session lost: demote immediate-nolock",
                        Scenario.leader().with(s -> s.lock = LockState.RENEW_FAILED_SESSION_LOST),
                        Reason.DEMOTED_LOCK_LOST, "Demote"),
                row("05 decision 3 lease timer fired: demote at once",
                        Scenario.leader().with(s -> s.lock = LockState.LEASE_EXPIRED),
                        Reason.DEMOTED_LOCK_LOST, "Demote"),
                row("06 R40 DCS down, primary: demote offline",
                        Scenario.leader().with(s -> s.dcsDown = true),
                        Reason.DCS_UNAVAILABLE_DEMOTE, "Demote"),
                row("07 R40 DCS down, replica: nothing",
                        Scenario.replica().with(s -> s.dcsDown = true),
                        Reason.DCS_UNAVAILABLE),
                row("08 R23 leaderless, peers unknown: probe",
                        Scenario.leaderless(),
                        Reason.PROBING_PEERS, "ProbePeers"),
                row("09 R22 leaderless, healthiest: acquire",
                        Scenario.leaderless().peersAt(900),
                        Reason.RACING_FOR_LOCK, "AcquireLock"),
                row("10 R22 acquired: promote",
                        Scenario.leaderless().peersAt(900).with(s -> s.last = AttemptResult.ACQUIRED),
                        Reason.PROMOTED_BY_ACQUIRING_LOCK, "Promote"),
                row("11 R22 lost the race",
                        Scenario.leaderless().peersAt(900).with(s -> s.last = AttemptResult.LOCK_TAKEN_BY_OTHER),
                        Reason.LOCK_TAKEN_BY_OTHER),
                row("12 R23 peer ahead: not healthiest, follow nobody",
                        Scenario.leaderless().peer("node3", false, 2000),
                        Reason.NOT_HEALTHIEST, "Follow"),
                row("13 R23 primary still alive",
                        Scenario.leaderless().peer("node3", true, 900),
                        Reason.NOT_HEALTHIEST, "Follow"),
                row("14 R15 empty cluster: race initialize",
                        Scenario.leaderless().with(s -> {
                            s.initialize = null;
                            s.dataDir = DataDirState.EMPTY;
                            s.running = false;
                            s.memory = Memory.INITIAL;
                        }),
                        Reason.RACING_FOR_INITIALIZE, "RaceInitialize"),
                row("15 R15 won initialize: bootstrap",
                        Scenario.leaderless().with(s -> {
                            s.initialize = null;
                            s.dataDir = DataDirState.EMPTY;
                            s.running = false;
                            s.memory = Memory.INITIAL;
                            s.last = AttemptResult.INITIALIZE_WON;
                        }),
                        Reason.BOOTSTRAP_STARTED, "Bootstrap"),
                row("16 R17 empty data dir, leader exists: clone from leader",
                        Scenario.replica().with(s -> {
                            s.dataDir = DataDirState.EMPTY;
                            s.running = false;
                            s.memory = Memory.INITIAL;
                        }),
                        Reason.CLONING, "Clone"),
                row("17 R10 sysid mismatch: exit",
                        Scenario.replica().with(s -> s.sysid = "7999999999999999999"),
                        Reason.SYSID_MISMATCH, "Exit"),
                row("18 R33 holder's primary crashed: start as primary",
                        Scenario.leader().crashedPrimary(),
                        Reason.RECOVER_START_PRIMARY, "StartPostgres"),
                row("19 R34 replica stopped: start as replica",
                        Scenario.replica().stopped(),
                        Reason.RECOVER_START_REPLICA, "StartPostgres"),
                row("20 R20 primary without the lock: demote",
                        Scenario.replica().primary(),
                        Reason.DEMOTED_NOT_HOLDER, "Demote"),
                row("21 R30 switchover to node3: probe then demote graceful",
                        Scenario.leader().failover("node1", "node3"),
                        Reason.PROBING_PEERS, "ProbePeers"),
                row("22 R30 switchover to a healthy node3: demote graceful",
                        Scenario.leader().failover("node1", "node3").peer("node3", false, 1000),
                        Reason.SWITCHOVER_DEMOTE, "Demote"),
                row("23 R6 async restart while leader: keep lock",
                        Scenario.leader().with(s -> s.async = new AsyncTask(AsyncKind.RESTART, Scenario.NOW)),
                        Reason.ASYNC_IN_PROGRESS),
                row("24 R44 paused leader renews",
                        Scenario.leader().with(s -> s.pause = true),
                        Reason.LEADER_RENEWED),
                row("25 R63 shutdown as leader",
                        Scenario.leader().with(s -> s.shuttingDown = true),
                        Reason.SHUTDOWN, "ShutdownStop"),
                row("26 R21 holder still a replica: promote",
                        Scenario.replica().iAmLeader().with(s -> s.memory = s.memory.withRole(Role.REPLICA)),
                        Reason.PROMOTING_HELD_LOCK, "Promote"),
                row("27 R59 standby cluster: the holder follows the remote primary as standby leader",
                        Scenario.replica().iAmLeader().with(s -> s.standbyCluster = java.util.Map.of("host", "10.0.0.1")),
                        Reason.FOLLOW_RECONFIGURED, "Follow", "SetRole", "RunCallback", "SyncSlots"));
    }

    private static Arguments row(String name, Scenario s, Reason reason, String... actions) {
        return arguments(name, s, reason, List.of(actions));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void decidesAsTheTableSays(String name, Scenario s, Reason reason, List<String> actions) {
        Decision d = s.decide();
        assertThat(d.reason()).as("%s: %s", name, d.message()).isEqualTo(reason);
        assertThat(Acts.of(d)).as("%s: %s", name, d).containsExactlyElementsOf(actions);
    }
}
