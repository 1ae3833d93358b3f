package io.patronijvm.core.ha;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Style guideline 2: a few golden tests on Patroni's one-line wording. */
class MessagesGoldenTest {

    @Test
    void leaderWithTheLock() {
        assertThat(Scenario.leader().decide().message()).isEqualTo("no action. I am (node1), the leader with the lock");
    }

    @Test
    void pausedLeaderWithTheLock() {
        assertThat(Scenario.leader().with(s -> s.pause = true).decide().message())
                .isEqualTo("PAUSE: no action. I am (node1), the leader with the lock");
    }

    @Test
    void secondaryFollowingALeader() {
        assertThat(Scenario.replica().decide().message())
                .isEqualTo("no action. I am (node1), a secondary, and following a leader (node2)");
    }

    @Test
    void promotedByAcquiringTheLock() {
        assertThat(Scenario.leaderless().with(s -> s.last = AttemptResult.ACQUIRED).decide().message())
                .isEqualTo("promoted self to leader by acquiring session lock");
    }

    @Test
    void demotedBecauseRenewFailed() {
        assertThat(Scenario.leader().with(s -> s.lock = LockState.RENEW_FAILED_UNAVAILABLE).decide().message())
                .isEqualTo("demoted self because failed to update leader lock in DCS");
    }

    @Test
    void demotedBecauseDcsDown() {
        assertThat(Scenario.leader().with(s -> s.dcsDown = true).decide().message())
                .isEqualTo("demoted self because DCS is not accessible and I was a leader");
    }

    @Test
    void lostTheRace() {
        assertThat(Scenario.leaderless().with(s -> s.last = AttemptResult.LOCK_TAKEN_BY_OTHER).decide().message())
                .isEqualTo("following new leader after trying and failing to obtain lock");
    }

    @Test
    void decisionIsPureAndRepeatable() {
        Scenario s = Scenario.leaderless().peer("node3", false, 1000);
        assertThat(s.decide()).isEqualTo(s.decide());
    }

    @Test
    void reDecidingActionMustBeLast() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Decision.of(Reason.RACING_FOR_LOCK, "x",
                new Action.AcquireLock(), new Action.Promote(1))).isInstanceOf(IllegalArgumentException.class);
    }
}
