package io.patronijvm.core.ha;

import io.patronijvm.core.model.Role;
import io.patronijvm.core.pg.Upstream;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** R59: a standby cluster's lock holder follows the remote primary; the others follow the holder. */
class StandbyRulesTest {

    private static final Map<String, Object> STANDBY = Map.of("host", "10.0.0.9", "port", 5433,
            "primary_slot_name", "pm_1");
    private static final Upstream REMOTE = Upstream.remote("10.0.0.9", 5433, "pm_1");

    private static Scenario standby(Scenario s) {
        return s.with(x -> x.standbyCluster = STANDBY);
    }

    @Test
    void holderFollowsTheRemotePrimaryAndBecomesStandbyLeaderWithOneCallback() {
        Decision d = standby(Scenario.replica().iAmLeader()).with(s -> s.inRecovery = true).decide();
        assertThat(d.find(Action.Promote.class)).isEmpty();
        assertThat(d.find(Action.Follow.class).orElseThrow().upstream()).isEqualTo(REMOTE);
        assertThat(d.find(Action.SetRole.class).orElseThrow().role()).isEqualTo(Role.STANDBY_LEADER);
        Action.RunCallback cb = d.find(Action.RunCallback.class).orElseThrow();
        assertThat(cb.event()).isEqualTo(CallbackEvent.ON_ROLE_CHANGE);
        assertThat(cb.role()).isEqualTo(Role.STANDBY_LEADER);
    }

    @Test
    void standbyLeaderAlreadyFollowingTheRemoteDoesNothing() {
        Decision d = standby(Scenario.replica().iAmLeader()).with(s -> {
            s.inRecovery = true;
            s.upstreamHost = "10.0.0.9";
            s.upstreamPort = 5433;
            s.memory = s.memory.withRole(Role.STANDBY_LEADER);
        }).decide();
        assertThat(d.reason()).isEqualTo(Reason.LEADER_RENEWED);
        assertThat(d.message()).isEqualTo("no action. I am (node1), the standby leader with the lock");
        assertThat(Acts.of(d)).doesNotContain("Follow", "SetRole", "RunCallback", "Promote");
    }

    @Test
    void holderRunningAsPrimaryDemotesAndFollowsTheRemote() {
        Decision d = standby(Scenario.leader()).decide();
        Action.Demote demote = d.find(Action.Demote.class).orElseThrow();
        assertThat(demote.mode()).isEqualTo(DemoteMode.IMMEDIATE_NOLOCK);
        assertThat(demote.followAfter()).isEqualTo(REMOTE);
        assertThat(d.message()).isEqualTo("cannot be a real primary in standby cluster");
    }

    @Test
    void holderWithPostgresDownStartsItAsAReplicaOfTheRemote() {
        Decision d = standby(Scenario.replica().iAmLeader()).with(s -> s.stopped()).decide();
        Action.StartPostgres start = d.find(Action.StartPostgres.class).orElseThrow();
        assertThat(start.asReplica()).isTrue();
        assertThat(start.upstream()).isEqualTo(REMOTE);
    }

    @Test
    void memberOfALockedStandbyClusterFollowsTheStandbyLeaderNotTheRemote() {
        Decision d = standby(Scenario.replica()).with(s -> {
            s.upstreamHost = "10.0.0.9";
            s.upstreamPort = 5433;
        }).decide();
        Upstream up = d.find(Action.Follow.class).orElseThrow().upstream();
        assertThat(up.remote()).isFalse();
        assertThat(up.memberName()).isEqualTo("node2");
    }

    @Test
    void withoutALeaderEveryMemberFollowsTheRemote() {
        Decision d = standby(Scenario.leaderless()).with(s -> s.stopped()).decide();
        assertThat(d.find(Action.StartPostgres.class).orElseThrow().upstream()).isEqualTo(REMOTE);
        assertThat(d.message()).isEqualTo("trying to follow a remote member because standby cluster is unhealthy");
    }

    @Test
    void standbyLeaderKeepsTheSlotsOfItsMembers() {
        Decision d = standby(Scenario.replica().iAmLeader()).with(s -> {
            s.inRecovery = true;
            s.upstreamHost = "10.0.0.9";
            s.upstreamPort = 5433;
            s.memory = s.memory.withRole(Role.STANDBY_LEADER);
        }).decide();
        assertThat(d.find(Action.SyncSlots.class).orElseThrow().wanted()).containsExactlyInAnyOrder("node2", "node3");
    }

    @Test
    void removingTheSectionPromotesTheStandbyLeader() {
        Decision d = Scenario.replica().iAmLeader().with(s -> {
            s.inRecovery = true;
            s.memory = s.memory.withRole(Role.STANDBY_LEADER);
        }).decide();
        assertThat(d.find(Action.Promote.class)).isPresent();
        assertThat(RoleTransitions.allowed(Role.STANDBY_LEADER, Role.PROMOTED)).isTrue();
    }
}
