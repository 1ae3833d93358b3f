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
    void renewsAtLeastThreeTimesPerLease() {
        assertThat(LeaseMath.renewIntervalNanos(30, 10)).isEqualTo(4_500_000_000L);
        assertThat(LeaseMath.renewIntervalNanos(30, 1)).isEqualTo(1_000_000_000L);
    }

    @Test
    void warnsWhenLoopWaitIsNotBelowTheLease() {
        assertThat(LeaseMath.validate(30, 10, 10)).isEmpty();
        assertThat(LeaseMath.validate(20, 10, 5)).singleElement().asString().contains("loop_wait=10s");
        assertThat(LeaseMath.validate(20, 5, 10)).singleElement().asString().contains("retry_timeout=10s");
        assertThat(LeaseMath.validate(1, 1, 1)).singleElement().asString().contains("no provable lease");
    }
}
