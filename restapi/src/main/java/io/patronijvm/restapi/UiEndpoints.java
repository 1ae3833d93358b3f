package io.patronijvm.restapi;

import io.patronijvm.core.model.ClusterView;
import io.patronijvm.core.model.Member;
import io.patronijvm.core.status.NodeControl;
import io.patronijvm.core.status.StatusSnapshot;
import io.patronijvm.core.time.MonotonicClock;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The live status page ({@code GET /ui/}): three static files from the jar and one JSON call,
 * {@code GET /ui/api/cluster}, which the page polls. That call reads the DCS once (as
 * {@code /cluster} does) and asks every other member for its status and our extension in
 * parallel, so a browser needs to reach only this agent. Read-only: every path is a GET, checked
 * against {@code restapi.allowlist} (and the client-certificate demand of TLS) like the unsafe
 * endpoints, since each poll makes this agent call its peers.
 */
final class UiEndpoints {

    private record Asset(String contentType, byte[] body) {
    }

    private static final Map<String, Asset> ASSETS = Map.of(
            "/ui/", asset("index.html", "text/html; charset=utf-8"),
            "/ui/app.js", asset("app.js", "text/javascript; charset=utf-8"),
            "/ui/app.css", asset("app.css", "text/css; charset=utf-8"));

    private final ReadEndpoints reads;
    private final NodeControl node;
    private final MonotonicClock clock;
    private final AccessControl access;
    private final MemberProbes probes;
    private final String scope;
    private final String name;

    UiEndpoints(ReadEndpoints reads, NodeControl node, MonotonicClock clock, AccessControl access,
                MemberProbes probes, String scope, String name) {
        this.reads = reads;
        this.node = node;
        this.clock = clock;
        this.access = access;
        this.probes = probes;
        this.scope = scope;
        this.name = name;
    }

    private static Asset asset(String file, String contentType) {
        try (InputStream in = UiEndpoints.class.getResourceAsStream("/ui/" + file)) {
            if (in == null) {
                throw new IllegalStateException("status page asset /ui/" + file + " is missing from the jar");
            }
            return new Asset(contentType, in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read status page asset /ui/" + file, e);
        }
    }

    void get(RestExchange ctx, String path) throws InterruptedException {
        access.checkReadOnly(ctx);
        // No framing by other sites, no inline or remote scripts: the page needs only itself.
        ctx.header("Content-Security-Policy", "default-src 'self'; frame-ancestors 'none'");
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("Cache-Control", "no-store");
        if (path.equals("/ui")) {
            // Relative links in the page resolve against /ui/, also behind a proxy that adds a prefix.
            ctx.header("Location", "ui/");
            Reply.text(ctx, 302, "Found");
            return;
        }
        if (path.equals("/ui/api/cluster")) {
            Reply.json(ctx, 200, cluster());
            return;
        }
        Asset a = ASSETS.get(path);
        if (a == null) {
            throw new HttpError(404, "Not Found");
        }
        Reply.bytes(ctx, 200, a.contentType(), a.body());
    }

    private Map<String, Object> cluster() throws InterruptedException {
        ClusterView view = reads.freshCluster();
        StatusSnapshot self = reads.snapshot();
        Map<String, String> others = new LinkedHashMap<>();
        for (Member m : view.members()) {
            if (!m.name().equals(name) && m.api().isPresent()) {
                others.put(m.name(), m.api().get());
            }
        }
        Map<String, MemberProbes.Answer> answers = probes.ask(others);
        long now = clock.nanoTime();
        Map<String, Object> members = new LinkedHashMap<>();
        for (Member m : view.members()) {
            Map<String, Object> out = new LinkedHashMap<>();
            if (m.name().equals(name)) {
                out.put("answering", true);
                out.put("rtt_ms", 0);
                out.put("status", UiJson.shownStatus(StatusJson.build(self, now)));
                out.put("extension", UiJson.extension(self, node.recentEvents(), now, clock.wallNow()));
            } else {
                MemberProbes.Answer a = answers.get(m.name());
                boolean answered = a != null && a.error() == null;
                out.put("answering", answered);
                out.put("error", a == null ? "no api_url in its member key" : a.error());
                out.put("rtt_ms", a == null ? -1 : a.rttMillis());
                out.put("status", answered ? UiJson.shownStatus(a.status()) : null);
                out.put("extension", answered ? a.extension() : null);
            }
            members.put(m.name(), out);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("scope", scope);
        body.put("answered_by", name);
        body.put("time", clock.wallNow().toString());
        body.put("cluster", ClusterJson.build(view, scope));
        body.put("history", ClusterJson.history(view));
        body.put("members", members);
        return body;
    }
}
