package io.patronijvm.agent.wiring;

import com.sun.net.httpserver.HttpServer;
import io.patronijvm.core.model.ClusterStatus;
import io.patronijvm.core.model.ClusterView;
import io.patronijvm.core.model.Member;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Issue #1804 at start: a member key of our name only blocks the start when its REST API answers. */
class StartupChecksNameTest {

    @Test
    void aNameWhoseApiAnswersAnyStatusIsTaken() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", ex -> {
            ex.sendResponseHeaders(ex.getRequestURI().getPath().equals("/liveness") ? 503 : 404, -1);
            ex.close();
        });
        server.start();
        try {
            String api = "http://127.0.0.1:" + server.getAddress().getPort() + "/patroni";
            assertThat(StartupChecks.nameTakenByRunningNode(view("node1", api), "node1")).isTrue();
        } finally {
            server.stop(0);
        }
    }

    @Test
    void aNameWhoseApiDoesNotAnswerOrIsNotPublishedIsFree() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        assertThat(StartupChecks.nameTakenByRunningNode(view("node1", "http://127.0.0.1:" + closed + "/patroni"),
                "node1")).isFalse();
        assertThat(StartupChecks.nameTakenByRunningNode(view("node1", null), "node1")).isFalse();
        assertThat(StartupChecks.nameTakenByRunningNode(view("node2", "not a url"), "node2")).isFalse();
        assertThat(StartupChecks.nameTakenByRunningNode(view("node2", "http://127.0.0.1:1/patroni"), "node3"))
                .isFalse();
    }

    private static ClusterView view(String name, String api) {
        Member m = new Member(name, "s-" + name, 1, "postgres://" + name + ":5432/postgres", api, "running", null,
                "3.0.2", null, null, null, null, false, false, null, null);
        return new ClusterView("7000000000000000001", null, null, List.of(m), null, null, List.of(), 0,
                ClusterStatus.EMPTY, null, 10);
    }
}
