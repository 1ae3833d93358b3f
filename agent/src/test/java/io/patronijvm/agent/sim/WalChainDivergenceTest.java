package io.patronijvm.agent.sim;

import io.patronijvm.core.pg.RewindVerdict;
import io.patronijvm.testkit.sim.WalChain;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The model's divergence check sees what R37 sees (timeline numbers and the leader's history
 * file), so the simulation cannot rely on knowledge no real check has (see SimProfile).
 */
class WalChainDivergenceTest {

    private static final WalChain TL2 = WalChain.initial(1).branch(2, 1000);

    @Test
    void r37_twoHistoriesOfOneTimelineNumberLookEqual() {
        WalChain ours = TL2.branch(3, 5000);
        WalChain leaders = TL2.branch(4, 5000);
        assertThat(ours.canFollow(leaders, 6000)).as("the identities differ").isFalse();
        assertThat(ours.divergenceAsPostgresSees(leaders, 6000, true)).isEqualTo(RewindVerdict.NOT_NEEDED);
    }

    @Test
    void r37_aReplicaPastTheLeadersSwitchPointNeedsARewind() {
        WalChain leaders = TL2.branch(3, 5000);
        assertThat(TL2.divergenceAsPostgresSees(leaders, 5001, true)).isEqualTo(RewindVerdict.NEEDED);
        assertThat(TL2.divergenceAsPostgresSees(leaders, 5000, true)).isEqualTo(RewindVerdict.NOT_NEEDED);
        assertThat(TL2.divergenceAsPostgresSees(leaders, 5000, false)).as("a former primary at the switch point")
                .isEqualTo(RewindVerdict.NEEDED);
    }

    @Test
    void r37_aHigherLocalTimelineNeedsARewindAndSoDoesAPositionPastTheSwitchPoint() {
        assertThat(TL2.branch(3, 5000).divergenceAsPostgresSees(TL2, 5000, true)).isEqualTo(RewindVerdict.NEEDED);
        WalChain other = WalChain.initial(9).branch(10, 100).branch(11, 200);
        assertThat(TL2.divergenceAsPostgresSees(other, 1500, true)).as("the leader file says tl2 ended at 200")
                .isEqualTo(RewindVerdict.NEEDED);
    }
}
