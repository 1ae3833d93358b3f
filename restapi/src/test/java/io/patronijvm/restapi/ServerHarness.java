package io.patronijvm.restapi;

import io.patronijvm.core.config.RestApiConfig;
import io.patronijvm.core.model.ClusterView;
import io.patronijvm.core.peer.PeerClient;
import io.patronijvm.core.status.StatusSnapshot;
import io.patronijvm.testkit.FakeClock;

import java.time.Duration;

/** One REST API server on 127.0.0.1 (port 0) over a fake node and DCS, driven by a FakeClock. */
final class ServerHarness implements AutoCloseable {

    final FakeClock clock = new FakeClock();
    final FakeNode node = new FakeNode(clock);
    final FakeDcs dcs;
    final RestApiServer server;
    final RawHttp http;

    ServerHarness(Fixtures.Snap snap) {
        this(snap, RestApiConfig.plain("127.0.0.1", 0), null);
    }

    ServerHarness(Fixtures.Snap snap, RestApiConfig config, PeerClient peers) {
        this.dcs = new FakeDcs(snap.cluster == null ? ClusterView.EMPTY : snap.cluster);
        node.snapshot.set(snap.build(clock));
        RestApiOptions options = RestApiOptions.defaults().withClock(clock, clock)
                .withSwitchoverTiming(Duration.ofSeconds(1), null);
        this.server = new RestApiServer(config, Fixtures.SCOPE, snap.name, node, dcs, peers, options);
        server.start();
        this.http = new RawHttp("127.0.0.1", server.port());
    }

    void publish(Fixtures.Snap snap) {
        node.snapshot.set(snap.build(clock));
    }

    StatusSnapshot snapshot() {
        return node.snapshot.get();
    }

    @Override
    public void close() {
        server.close();
    }
}
