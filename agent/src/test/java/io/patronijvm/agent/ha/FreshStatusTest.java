package io.patronijvm.agent.ha;

import io.patronijvm.core.model.Role;
import io.patronijvm.core.pg.DataDirState;
import io.patronijvm.core.pg.LocalPgState;
import io.patronijvm.core.pg.PgRunState;
import io.patronijvm.core.pg.PostgresControl;
import io.patronijvm.core.status.StatusSnapshot;
import io.patronijvm.testkit.FakeClock;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/** HEAD/OPTIONS health checks renew a replica with the light query, GET /patroni with the full one. */
class FreshStatusTest {

    private final FakeClock clock = new FakeClock();
    private final AtomicInteger full = new AtomicInteger();
    private final AtomicInteger light = new AtomicInteger();
    private final AtomicReference<LocalPgState> fullAnswer = new AtomicReference<>(replica(1_000, "full"));
    private final AtomicReference<LocalPgState> lightAnswer = new AtomicReference<>(replica(2_000, "full"));
    private final PostgresControl pg = (PostgresControl) Proxy.newProxyInstance(PostgresControl.class.getClassLoader(),
            new Class<?>[] {PostgresControl.class}, (p, m, args) -> switch (m.getName()) {
                case "observe" -> {
                    full.incrementAndGet();
                    yield fullAnswer.get();
                }
                case "observeReplicaProgress" -> {
                    light.incrementAndGet();
                    yield lightAnswer.get();
                }
                default -> throw new UnsupportedOperationException(m.getName());
            });
    private final StatusSnapshot published = snapshot(replica(500, "published"));
    private final FreshStatus fresh = new FreshStatus(clock, pg, () -> published);

    @Test
    void aHealthCheckRenewsAReplicaWithTheLightQueryOnly() {
        clock.advance(FreshStatus.MAX_AGE.plusMillis(1));

        assertThat(fresh.forHealthCheck().pg().replayedLsn()).isEqualTo(2_000);
        assertThat(light.get()).isEqualTo(1);
        assertThat(full.get()).as("no full observation for a HEAD/OPTIONS check").isZero();
    }

    @Test
    void getPatroniDoesNotReuseALightRenewalButAHealthCheckReusesAFullOne() {
        clock.advance(FreshStatus.MAX_AGE.plusMillis(1));
        fresh.forHealthCheck();

        assertThat(fresh.get().pg().synchronousStandbyNames()).as("GET /patroni: everything fresh").isEqualTo("full");
        assertThat(full.get()).isEqualTo(1);
        assertThat(fresh.forHealthCheck().pg().replayedLsn()).as("the full one is younger than MAX_AGE")
                .isEqualTo(1_000);
        assertThat(light.get()).isEqualTo(1);
    }

    @Test
    void aReplicaWhosePostgresDiedFailsItsNextHealthCheck() {
        clock.advance(FreshStatus.MAX_AGE.plusMillis(1));
        lightAnswer.set(new LocalPgState(DataDirState.VALID, "7", false, PgRunState.CRASHED, false, false, 1, -1, -1,
                -1, null, false, false, null, 0, true, 0, null, List.of(), Set.of(), null, false, false, Map.of(), ""));

        assertThat(fresh.forHealthCheck().pg().runState()).isEqualTo(PgRunState.CRASHED);
    }

    @Test
    void theLightQueryIsBasedOnTheLatestRenewal() {
        clock.advance(FreshStatus.MAX_AGE.plusMillis(1));
        AtomicReference<LocalPgState> seen = new AtomicReference<>();
        PostgresControl recording = (PostgresControl) Proxy.newProxyInstance(PostgresControl.class.getClassLoader(),
                new Class<?>[] {PostgresControl.class}, (p, m, args) -> {
                    seen.set((LocalPgState) args[0]);
                    return lightAnswer.get();
                });
        FreshStatus f = new FreshStatus(clock, recording, () -> published);
        f.forHealthCheck();

        assertThat(seen.get()).as("the published observation when nothing was renewed yet").isSameAs(published.pg());
    }

    private static LocalPgState replica(long replayed, String marker) {
        return new LocalPgState(DataDirState.VALID, "7", true, PgRunState.RUNNING, true, true, 1, -1, replayed,
                replayed, null, false, true, "127.0.0.1", 5432, true, 150000, "2026-12-01 10:00:00+00", List.of(),
                Set.of(), null, false, false, Map.of(), marker);
    }

    private StatusSnapshot snapshot(LocalPgState state) {
        return new StatusSnapshot("demo", "node2", "3.0.2", "patroni-jvm", Role.REPLICA, state, Long.MIN_VALUE, null,
                clock.nanoTime(), null, null, null, false, false, false, "", 1, clock.nanoTime(), null,
                clock.nanoTime());
    }
}
