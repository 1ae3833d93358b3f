package io.patronijvm.agent.sim;

import io.patronijvm.core.model.Member;
import io.patronijvm.core.peer.PeerClient;
import io.patronijvm.core.peer.PeerStatus;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * GET /patroni and POST /failsafe in the simulation: reads (or asks) the peer's model directly;
 * down, frozen or slow peers are unreachable.
 */
final class SimPeerClient implements PeerClient {

    private final SimWorld world;

    SimPeerClient(SimWorld world) {
        this.world = world;
    }

    @Override
    public Map<String, PeerStatus> probe(List<Member> members, Duration timeout) {
        Map<String, PeerStatus> out = new LinkedHashMap<>();
        long now = world.clock().nanoTime();
        for (Member m : members) {
            SimNode n = world.node(m.name());
            if (n == null || !n.agentRunning(now) || now - n.probesFailUntilWorld < 0 || !n.pg.running()) {
                out.put(m.name(), PeerStatus.unreachable(m.name()));
                continue;
            }
            out.put(m.name(), new PeerStatus(m.name(), true, n.pg.acceptsWrites(), n.pg.lsn(),
                    n.pg.chain() == null ? 0 : n.pg.chain().timeline(), false, 1, false));
        }
        return out;
    }

    /** R41, R42: every peer must be reachable and accept the primary (its loop caches it for ttl). */
    @Override
    public boolean confirmFailsafe(Map<String, String> apiUrls, Map<String, Object> body, Duration timeout) {
        long now = world.clock().nanoTime();
        boolean all = true;
        for (String name : apiUrls.keySet()) {
            SimNode n = world.node(name);
            if (n == null || !n.agentRunning(now) || now - n.probesFailUntilWorld < 0 || n.loop == null) {
                all = false;
                continue;
            }
            var r = n.loop.acceptFailsafe(String.valueOf(body.get("name")), (String) body.get("conn_url"),
                    (String) body.get("api_url"));
            all &= r.kind() == io.patronijvm.core.status.IntentResult.Kind.DONE;
        }
        return all;
    }
}
