package io.patronijvm.core.ha;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Decision 3: the provable lease is session TTL (ttl/2) minus max(1 s, 10%) from the renewal's start. */
class LeaseMathTest {

    @Test
    void defaultTtlGivesThirteenAndAHalfSeconds() {
        assertThat(LeaseMath.sessionTtlNanos(30)).isEqualTo(15_000_000_000L);
        assertThat(LeaseMath.marginNanos(30)).isEqualTo(1_500_000_000L);
        assertThat(LeaseMath.provableLeaseNanos(30)).isEqualTo(13_500_000_000L);
    }

    @Test
    void marginIsAtLeastOneSecond() {
        assertThat(LeaseMath.marginNanos(10)).isEqualTo(1_000_000_000L);
        assertThat(LeaseMath.provableLeaseNanos(10)).isEqualTo(4_000_000_000L);
        assertThat(LeaseMath.provableLeaseNanos(1)).isZero();
    }

    @Test
    void leaseCountsFromTheStartOfTheRenewal() {
        long start = 1_000L;
        long until = LeaseMath.leaseValidUntil(start, 30);
        assertThat(LeaseMath.holds(until, until - 1)).isTrue();
        assertThat(LeaseMath.holds(until, until)).isFalse();
        assertThat(LeaseMath.holds(Long.MIN_VALUE, 0)).isFalse();
    }

    @Test
    void holdsIsOverflowSafeAcrossTheNanoTimeWrap() {
        long start = Long.MAX_VALUE - 1_000_000_000L;
        long until = LeaseMath.leaseValidUntil(start, 30);
        assertThat(LeaseMath.holds(until, start + 5_000_000_000L)).isTrue();
    }

    @Test
    void keyExpiresAboutTwoSessionTtlsAfterTheLastRenewal() {
        assertThat(LeaseMath.keyExpiryUpperBound(0, 30)).isEqualTo(30_000_000_000L);
    }

    @Test
    void aHealthyLeaderRenewsEveryLoopWaitAsPatroniDoes() {
        assertThat(LeaseMath.renewIntervalNanos(30, 10)).isEqualTo(10_000_000_000L);
        assertThat(LeaseMath.renewIntervalNanos(10, 2)).isEqualTo(2_000_000_000L);
        assertThat(LeaseMath.renewIntervalNanos(30, 1)).isEqualTo(1_000_000_000L);
        // loop_wait too close to ttl/2: the next renewal still starts a second before the lease ends.
        assertThat(LeaseMath.renewIntervalNanos(10, 5)).isEqualTo(3_000_000_000L);
    }

    @Test
    void afterAQuickRenewalTheNextCycleIsLoopWaitLater() {
        long lease = LeaseMath.provableLeaseNanos(10); // 4 s
        long start = 100_000_000_000L;
        long renewedAt = start + 20_000_000L;
        long due = LeaseMath.nextCycleDue(start, renewedAt + lease, lease, 30_000_000L, 2);
        assertThat(due - start).isEqualTo(2_000_000_000L);
    }

    @Test
    void afterAFailedRenewalTheNextCycleComesSoonerThanLoopWait() {
        long lease = LeaseMath.provableLeaseNanos(10); // 4 s
        long lastRenewal = 100_000_000_000L;
        long failedCycle = lastRenewal + 2_000_000_000L; // failed at once, the old lease holds to +4 s
        long due = LeaseMath.nextCycleDue(failedCycle, lastRenewal + lease, lease, 30_000_000L, 2);
        assertThat(due - lastRenewal).isEqualTo(3_000_000_000L); // 1 s of the lease left for the retry
    }

    @Test
    void aSlowCycleMovesTheNextRenewalEarlierButNeverBelowHalfTheLease() {
        long lease = LeaseMath.provableLeaseNanos(30); // 13.5 s
        long start = 100_000_000_000L;
        long renewedAt = start + 2_500_000_000L; // load and renewal took 3 s together
        long due = LeaseMath.nextCycleDue(start, renewedAt + lease, lease, 3_000_000_000L, 10);
        assertThat(due - renewedAt).isEqualTo(lease - 6_000_000_000L); // 9 s after the start, not 10
        assertThat(LeaseMath.reserveNanos(lease, 60_000_000_000L)).isEqualTo(lease / 2);
    }

    @Test
    void aLeaseAlreadyTooShortStillLeavesAGapBetweenCycles() {
        long lease = LeaseMath.provableLeaseNanos(10);
        long start = 100_000_000_000L;
        long due = LeaseMath.nextCycleDue(start, start + 500_000_000L, lease, 0, 2);
        assertThat(due - start).isEqualTo(LeaseMath.MIN_CYCLE_GAP_NANOS);
    }

    @Test
    void warnsWhenLoopWaitIsNotBelowTheLease() {
        assertThat(LeaseMath.validate(30, 10, 10)).isEmpty();
        assertThat(LeaseMath.validate(20, 10, 5)).singleElement().asString().contains("loop_wait=10s");
        assertThat(LeaseMath.validate(20, 5, 10)).singleElement().asString().contains("retry_timeout=10s");
        assertThat(LeaseMath.validate(1, 1, 1)).singleElement().asString().contains("no provable lease");
    }
}
