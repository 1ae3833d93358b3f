package io.patronijvm.dcs.etcd;

import io.patronijvm.core.dcs.wire.JsonView;
import io.patronijvm.core.dcs.Dcs;
import io.patronijvm.core.model.ClusterView;
import io.patronijvm.core.model.SyncState;
import io.patronijvm.testkit.contract.DcsContract;
import io.patronijvm.testkit.etcd.LocalEtcd;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The DCS contract against a real 3-member etcd 3.4 cluster, plus what Patroni's etcd3 code expects on the wire. */
class EtcdDcsContractTest extends DcsContract {

    private static LocalEtcd etcd;

    @BeforeAll
    static void startEtcd() throws Exception {
        etcd = EtcdTestSupport.startOrSkip();
    }

    @AfterAll
    static void stopEtcd() {
        if (etcd != null) {
            etcd.close();
        }
    }

    @Override
    protected Dcs newClient(String scope, String name) {
        return EtcdTestSupport.dcs(List.of(etcd.clientUrl(0)), scope, name, 20, 3);
    }

    @Override
    protected void destroySession(Dcs client) {
        long id = ((EtcdDcs) client).leaseId();
        assertThat(etcd.post(1, "/v3/lease/revoke", "{\"ID\":\"" + id + "\"}")).isPresent();
    }

    @Override
    protected String currentSession(Dcs client) {
        long id = ((EtcdDcs) client).leaseId();
        return id == 0 ? null : Long.toString(id);
    }

    @Override
    protected int sessionCount() {
        String body = etcd.post(0, "/v3/lease/leases", "{}").orElseThrow();
        try {
            return EtcdJson.tree(body).path("leases").size();
        } catch (Exception e) {
            throw new AssertionError("lease list is not JSON: " + body, e);
        }
    }

    private String raw(String key) {
        return etcd.get(0, "/service/" + scope + "/" + key).orElse(null);
    }

    @Test
    void keysValuesAndLeaseAreWhatPatronisEtcd3CodeWrites() throws Exception {
        EtcdDcs a = (EtcdDcs) client("a");
        assertThat(a.raceInitialize().ok()).isTrue();
        assertThat(a.acquireLeader().ok()).isTrue();
        a.touchMember(memberJson("master", "127.0.0.11"));
        a.writeSync(new SyncState("a", Set.of("c", "b"), 0), -1);
        assertThat(raw("initialize")).as("leading slash kept, as Patroni's etcd3 base path").isEmpty();
        assertThat(raw("leader")).isEqualTo("a");
        assertThat(raw("members/a")).isEqualTo("{\"conn_url\":\"postgres://127.0.0.11:5432/postgres\","
                + "\"api_url\":\"http://127.0.0.11:8008/patroni\",\"state\":\"running\",\"role\":\"master\","
                + "\"version\":\"3.3.1\",\"xlog_location\":67108864,\"timeline\":2,\"tags\":{\"nofailover\":true}}");
        assertThat(raw("sync")).isEqualTo("{\"leader\":\"a\",\"sync_standby\":\"b,c\"}");
        // One lease of TTL = ttl for the node, holding the leader and member keys; initialize has none.
        JsonView ttl = EtcdJson.tree(etcd.post(0, "/v3/lease/timetolive",
                "{\"ID\":\"" + a.leaseId() + "\",\"keys\":true}").orElseThrow());
        assertThat(EtcdJson.int64(ttl, "grantedTTL")).isEqualTo(20);
        assertThat(ttl.path("keys")).extracting(k -> EtcdJson.unb64(k.asText("")))
                .containsExactlyInAnyOrder("/service/" + scope + "/leader", "/service/" + scope + "/members/a");
        ClusterView v = client("reader").loadCluster();
        assertThat(v.leader().session()).isEqualTo(Long.toString(a.leaseId()));
        assertThat(v.member("a").orElseThrow().session()).isEqualTo(Long.toString(a.leaseId()));
    }

    @Test
    void malformedValuesAreIgnoredKeyByKeyNotFatal() throws Exception {
        String p = "/service/" + scope + "/";
        etcd.put(0, p + "config", "{not json");
        etcd.put(0, p + "members/bad", "[1,2");
        etcd.put(0, p + "members/good", "{\"conn_url\":\"postgres://127.0.0.12:5432/postgres\",\"role\":\"replica\","
                + "\"state\":\"running\",\"api_url\":\"http://127.0.0.12:8008/patroni\"}");
        etcd.put(0, p + "leader", "good");
        etcd.put(0, "/service/" + scope + "-other/leader", "not-ours");
        ClusterView v = client("reader").loadCluster();
        assertThat(v.config()).isNull();
        assertThat(v.members()).extracting(m -> m.name()).containsExactly("good");
        assertThat(v.leader().name()).isEqualTo("good");
        assertThat(v.leader().session()).as("a key without a lease").isNull();
        assertThat(v.index()).isPositive();
    }

    @Test
    void closeLeavesTheMemberKeyToExpireByItsTtlAsPatroniDoes() throws Exception {
        Dcs a = newClient(scope, "a");
        assertThat(a.acquireLeader().ok()).isTrue();
        a.touchMember(memberJson("master", "127.0.0.11"));
        ClusterView before = client("reader").loadCluster();
        assertThat(a.releaseLeader(before.leader()).ok()).isTrue();
        a.close();
        ClusterView v = client("reader").loadCluster();
        assertThat(v.leader()).as("released by the shutdown, not by the lease").isNull();
        assertThat(v.members()).extracting(m -> m.name()).containsExactly("a");
    }
}
