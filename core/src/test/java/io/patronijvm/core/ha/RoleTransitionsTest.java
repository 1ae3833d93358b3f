package io.patronijvm.core.ha;

import io.patronijvm.core.model.Role;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Style guideline 11: role changes follow a table; anything else is a bug. */
class RoleTransitionsTest {

    @Test
    void promotionGoesThroughPromoted() {
        assertThat(RoleTransitions.check(Role.REPLICA, Role.PROMOTED).why()).contains("promoting");
        assertThat(RoleTransitions.allowed(Role.PROMOTED, Role.PRIMARY)).isTrue();
    }

    @Test
    void demotionGoesThroughDemoted() {
        assertThat(RoleTransitions.allowed(Role.PRIMARY, Role.DEMOTED)).isTrue();
        assertThat(RoleTransitions.allowed(Role.DEMOTED, Role.REPLICA)).isTrue();
        assertThatThrownBy(() -> RoleTransitions.check(Role.PRIMARY, Role.REPLICA))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("master -> replica");
    }

    @Test
    void sameRoleIsNoTransition() {
        assertThat(RoleTransitions.check(Role.REPLICA, Role.REPLICA)).isNull();
    }

    @Test
    void standbyLeaderIsReachedOnlyFromANodeThatIsNotPrimary() {
        // R59: a primary of a cluster turned standby is demoted first; it never becomes standby leader directly
        assertThat(RoleTransitions.find(Role.PRIMARY, Role.STANDBY_LEADER)).isEmpty();
        assertThat(RoleTransitions.find(Role.PROMOTED, Role.STANDBY_LEADER)).isEmpty();
        assertThat(RoleTransitions.find(Role.REPLICA, Role.STANDBY_LEADER)).isPresent();
    }

    @Test
    void everyRowExplainsItself() {
        assertThat(RoleTransitions.rows()).allSatisfy(r -> assertThat(r.why()).isNotBlank());
    }
}
