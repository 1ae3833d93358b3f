package io.patronijvm.pg;

import io.patronijvm.core.config.DynamicConfig;
import io.patronijvm.core.config.PostgresqlConfig;
import io.patronijvm.core.config.StandbyCluster;
import io.patronijvm.core.pg.Upstream;
import io.patronijvm.core.time.MonotonicClock;
import io.patronijvm.core.time.Sleeper;
import io.patronijvm.pg.conf.ConnInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * R59 with {@code standby_cluster.host} naming several hosts, as Patroni 3.3 documents it: the
 * list reaches libpq as one host parameter, and the standby leader that streams through
 * {@code primary_slot_name} adds {@code target_session_attrs=read-write} so it follows the remote
 * primary, not the first host that answers.
 */
class RemoteUpstreamConfTest {

    @TempDir
    Path root;

    private PgContext context(Map<String, Object> standby) throws Exception {
        PostgresqlConfig cfg = new PgNodes(root).config(1, null);
        Files.createDirectories(cfg.dataDir());
        Files.writeString(cfg.dataDir().resolve("PG_VERSION"), "15\n");
        Map<String, Object> dyn = new LinkedHashMap<>();
        dyn.put("standby_cluster", standby);
        return new PgContext(cfg, null, PgNodes.SCOPE, "node1", MonotonicClock.SYSTEM, Sleeper.SYSTEM,
                DynamicConfig.fromMap(dyn).config());
    }

    private static String conninfo(PgContext ctx, Upstream up) throws Exception {
        RoleConf conf = new RoleConf(ctx);
        conf.asReplicaOf(up);
        conf.write(null);
        String text = Files.readString(ctx.paths.conf());
        return text.lines().filter(l -> l.startsWith("primary_conninfo")).findFirst().orElse("");
    }

    @Test
    void aStandbyLeaderFollowingSeveralHostsThroughASlotAsksForTheReadWriteOne() throws Exception {
        Map<String, Object> sc = Map.of("host", "127.0.20.7,127.0.20.8", "port", 5433, "primary_slot_name", "standby");
        PgContext ctx = context(sc);
        StandbyCluster parsed = StandbyCluster.of(sc);
        String line = conninfo(ctx, Upstream.remote(parsed.host(), parsed.port(), parsed.primarySlotName()));
        assertThat(line).contains("host=127.0.20.7,127.0.20.8").contains("port=5433")
                .contains("target_session_attrs=read-write");
        assertThat(Files.readString(ctx.paths.conf())).contains("primary_slot_name = 'standby'");
    }

    @Test
    void oneHostOrNoSlotLeavesTheChoiceToTheServerNamed() throws Exception {
        PgContext one = context(Map.of("host", "127.0.20.7", "primary_slot_name", "standby"));
        assertThat(conninfo(one, Upstream.remote("127.0.20.7", 5432, "standby")))
                .contains("host=127.0.20.7").doesNotContain("target_session_attrs");
        PgContext noSlot = context(Map.of("host", "127.0.20.7,127.0.20.8"));
        assertThat(conninfo(noSlot, Upstream.remote("127.0.20.7,127.0.20.8", 5432, null)))
                .contains("host=127.0.20.7,127.0.20.8").doesNotContain("target_session_attrs");
        // a member of our own cluster never gets it (Patroni adds it for the remote member only)
        PgContext member = context(Map.of("host", "127.0.20.7,127.0.20.8", "primary_slot_name", "standby"));
        assertThat(conninfo(member, new Upstream("node2", "127.0.20.2", 5432, null))).doesNotContain("target_session_attrs");
    }

    @Test
    void theCloneSourceOfANewStandbyLeaderKeepsTheHostList() {
        StandbyCluster list = StandbyCluster.of(Map.of("host", "db1.example,db2.example", "port", "5433"));
        assertThat(list.connUrl()).isEqualTo("postgres://db1.example,db2.example:5433/postgres");
        ConnInfo.HostPort hp = ConnInfo.fromConnUrl(list.connUrl());
        assertThat(hp.host()).isEqualTo("db1.example,db2.example");
        assertThat(hp.port()).isEqualTo(5433);
        StandbyCluster v6 = StandbyCluster.of(Map.of("host", "::1"));
        assertThat(v6.connUrl()).isEqualTo("postgres://[::1]:5432/postgres");
        assertThat(ConnInfo.fromConnUrl(v6.connUrl()).host()).isEqualTo("::1");
    }
}
