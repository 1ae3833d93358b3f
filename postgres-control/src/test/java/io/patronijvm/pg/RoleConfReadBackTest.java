package io.patronijvm.pg;

import io.patronijvm.core.config.PostgresqlConfig;
import io.patronijvm.core.pg.Upstream;
import io.patronijvm.core.time.MonotonicClock;
import io.patronijvm.core.time.Sleeper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a restarted agent keeps from the postgresql.conf its previous run wrote. Found by
 * scripts/chaos (kill -9 of the primary's agent in sync mode): the new agent's first rewrite
 * dropped synchronous_standby_names and reloaded, so a running primary released commits that
 * waited for the synchronous standby; they were acknowledged and lost in the failover.
 */
class RoleConfReadBackTest {

    @TempDir
    Path root;

    private PgContext context() throws Exception {
        PostgresqlConfig cfg = new PgNodes(root).config(1, null);
        Files.createDirectories(cfg.dataDir());
        return new PgContext(cfg, null, PgNodes.SCOPE, "node1", MonotonicClock.SYSTEM, Sleeper.SYSTEM, null);
    }

    @Test
    void primaryKeepsTheSynchronousStandbyNamesOfThePreviousRunOnItsFirstRewrite() throws Exception {
        PgContext ctx = context();
        RoleConf previous = new RoleConf(ctx);
        previous.syncStandbyNames("node2");
        previous.write(null);

        RoleConf restarted = new RoleConf(ctx);
        restarted.write(null);
        assertThat(restarted.lastGucs().file()).containsEntry("synchronous_standby_names", "node2");
        assertThat(Files.readString(ctx.paths.conf())).contains("synchronous_standby_names = 'node2'");
    }

    @Test
    void theLoopStillDecidesAfterwards() throws Exception {
        PgContext ctx = context();
        RoleConf previous = new RoleConf(ctx);
        previous.syncStandbyNames("node2");
        previous.write(null);

        RoleConf restarted = new RoleConf(ctx);
        restarted.syncStandbyNames("");
        restarted.write(null);
        assertThat(restarted.lastGucs().file()).containsEntry("synchronous_standby_names", "");
    }

    @Test
    void withoutAPreviousValueNothingIsAdded() throws Exception {
        PgContext ctx = context();
        new RoleConf(ctx).write(null);
        RoleConf restarted = new RoleConf(ctx);
        restarted.write(null);
        assertThat(restarted.lastGucs().file()).doesNotContainKey("synchronous_standby_names");
    }

    @Test
    void replicaStillReadsItsUpstreamBack() throws Exception {
        PgContext ctx = context();
        RoleConf previous = new RoleConf(ctx);
        previous.asReplicaOf(new Upstream("node2", "127.0.4.2", 5433, "node1"));
        previous.write(null);

        RoleConf restarted = new RoleConf(ctx);
        assertThat(restarted.replica()).isTrue();
        assertThat(restarted.upstream().host()).isEqualTo("127.0.4.2");
        assertThat(restarted.upstream().port()).isEqualTo(5433);
        assertThat(restarted.upstream().slotName()).isEqualTo("node1");
    }
}
