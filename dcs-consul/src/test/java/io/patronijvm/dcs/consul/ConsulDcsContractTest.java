package io.patronijvm.dcs.consul;

import io.patronijvm.core.dcs.wire.JsonView;
import io.patronijvm.core.dcs.Dcs;
import io.patronijvm.testkit.contract.DcsContract;
import io.patronijvm.core.model.ClusterView;
import io.patronijvm.testkit.consul.LocalConsul;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The DCS contract against a real 3-server Consul 1.8 cluster, plus Consul-only lenient parsing. */
class ConsulDcsContractTest extends DcsContract {

    private static LocalConsul consul;

    @BeforeAll
    static void startConsul() throws Exception {
        consul = ConsulTestSupport.startOrSkip(ConsulTestSupport.THREE, null);
    }

    @AfterAll
    static void stopConsul() {
        if (consul != null) {
            consul.close();
        }
    }

    @Override
    protected Dcs newClient(String scope, String name) {
        return ConsulTestSupport.dcs(ConsulTestSupport.config("127.0.3.1"), scope, name, 20, 3);
    }

    @Override
    protected void destroySession(Dcs client) {
        String id = ((ConsulDcs) client).sessionId();
        assertThat(consul.request(1, "PUT", "/v1/session/destroy/" + id, null)).isPresent();
    }

    @Override
    protected String currentSession(Dcs client) {
        return ((ConsulDcs) client).sessionId();
    }

    @Override
    protected int sessionCount() {
        String body = consul.request(0, "GET", "/v1/session/list", null).map(HttpResponse::body).orElseThrow();
        try {
            JsonView arr = ConsulJson.view(body);
            return arr.size();
        } catch (Exception e) {
            throw new AssertionError("session list is not JSON: " + body, e);
        }
    }

    private void putRaw(String key, String value) {
        assertThat(consul.request(0, "PUT", "/v1/kv/service/" + scope + "/" + key, value)
                .map(HttpResponse::statusCode)).contains(200);
    }

    @Test
    void malformedValuesAreIgnoredKeyByKeyNotFatal() throws Exception {
        putRaw("config", "{not json");
        putRaw("members/bad", "[1,2");
        putRaw("members/good", "{\"conn_url\":\"postgres://127.0.0.12:5432/postgres\",\"role\":\"replica\","
                + "\"state\":\"running\",\"api_url\":\"http://127.0.0.12:8008/patroni\"}");
        putRaw("sync", "42");
        putRaw("history", "{\"x\":1}");
        putRaw("status", "nope");
        putRaw("failover", "{}");
        putRaw("leader", "good");
        ClusterView v = client("reader").loadCluster();
        assertThat(v.config()).isNull();
        assertThat(v.sync()).isNull();
        assertThat(v.history()).isEmpty();
        assertThat(v.failover()).as("{} means no failover").isNull();
        assertThat(v.members()).extracting(m -> m.name()).containsExactly("good");
        assertThat(v.leader().name()).isEqualTo("good");
        assertThat(v.leader().session()).isNull();
        assertThat(v.index()).isPositive();
    }

    @Test
    void legacyFailoverStringAndLegacyOptimeAreRead() throws Exception {
        putRaw("failover", "a:b");
        putRaw("optime/leader", "12345678");
        ClusterView v = client("reader").loadCluster();
        assertThat(v.failover().leader()).isEqualTo("a");
        assertThat(v.failover().candidate()).isEqualTo("b");
        assertThat(v.status().optime()).isEqualTo(12345678L);
    }

    /**
     * Patroni 3.0.2's touch_member: no write when the cycle's read shows the same data on our
     * session. Consul does not bump the index of an identical write, so the test changes the key
     * on our session behind the client's back: a skipped write leaves that change in place.
     */
    @Test
    void anUnchangedMemberKeyIsNotWrittenAgain() throws Exception {
        Dcs a = client("a");
        Map<String, Object> data = memberJson("master", "127.0.0.11");
        assertThat(a.touchMember(data).ok()).isTrue();
        a.loadCluster();
        String session = ((ConsulDcs) a).sessionId();
        String key = "/v1/kv/service/" + scope + "/members/a?acquire=" + session;
        assertThat(consul.request(0, "PUT", key, "{\"behind\":1}")).isPresent();
        assertThat(a.touchMember(data).ok()).isTrue();
        assertThat(raw("members/a")).as("the read showed our data on our session: no PUT").isEqualTo("{\"behind\":1}");

        a.loadCluster();
        assertThat(a.touchMember(data).ok()).isTrue();
        assertThat(raw("members/a")).as("the read shows other data: written").contains("127.0.0.11");

        Map<String, Object> moved = memberJson("master", "127.0.0.11");
        moved.put("xlog_location", 67108865L);
        a.loadCluster();
        assertThat(a.touchMember(moved).ok()).isTrue();
        assertThat(raw("members/a")).as("changed data is written").contains("67108865");
        assertThat(consul.request(0, "PUT", key, "{\"behind\":2}")).isPresent();
        assertThat(a.touchMember(moved).ok()).isTrue();
        assertThat(raw("members/a")).as("no read since our own write: written again").contains("67108865");

        a.loadCluster();
        assertThat(consul.request(0, "DELETE", "/v1/kv/service/" + scope + "/members/a", null)).isPresent();
        a.loadCluster();
        assertThat(a.touchMember(moved).ok()).isTrue();
        assertThat(raw("members/a")).as("a deleted key is written again after the next read").contains("67108865");
    }

    @Test
    void valuesOnTheWireArePatronisCompactJson() throws Exception {
        Dcs a = client("a");
        a.touchMember(memberJson("master", "127.0.0.11"));
        a.writeSync(new io.patronijvm.core.model.SyncState("a", java.util.Set.of("c", "b"), 0), -1);
        assertThat(raw("members/a")).isEqualTo("{\"conn_url\":\"postgres://127.0.0.11:5432/postgres\","
                + "\"api_url\":\"http://127.0.0.11:8008/patroni\",\"state\":\"running\",\"role\":\"master\","
                + "\"version\":\"3.3.1\",\"xlog_location\":67108864,\"timeline\":2,\"tags\":{\"nofailover\":true}}");
        assertThat(raw("sync")).isEqualTo("{\"leader\":\"a\",\"sync_standby\":\"b,c\"}");
        String sessions = consul.request(0, "GET", "/v1/session/info/" + ((ConsulDcs) a).sessionId(), null)
                .map(HttpResponse::body).orElseThrow();
        JsonView s = ConsulJson.view(sessions).get(0);
        assertThat(s.path("Name").asText("")).isEqualTo(scope + "-a");
        assertThat(s.path("TTL").asText("")).isEqualTo("10s");
        assertThat(s.path("Behavior").asText("")).isEqualTo("delete");
        assertThat(s.path("LockDelay").asLong(0)).isEqualTo(1_000_000L);
        assertThat(s.path("Checks").size()).as("no serfHealth: expires by TTL only").isZero();
    }

    private String raw(String key) {
        return consul.request(0, "GET", "/v1/kv/service/" + scope + "/" + key + "?raw", null)
                .map(HttpResponse::body).orElseThrow();
    }
}
