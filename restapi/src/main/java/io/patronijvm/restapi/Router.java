package io.patronijvm.restapi;


import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Picks the handler for a method and path. Named endpoints are selected by the first path
 * segment as Patroni does; health checks by the exact path (decision 5); any other GET is a
 * health check that fails with 503 and the status body (spec 1.1). Unsafe endpoints pass
 * {@link AccessControl} before their body is read.
 */
final class Router {

    private static final Set<String> WRITE_SEGMENTS =
            Set.of("config", "reload", "restart", "switchover", "failover", "reinitialize", "failsafe");

    private final ReadEndpoints reads;
    private final WriteEndpoints writes;
    private final SwitchoverEndpoint switchover;
    private final AccessControl access;
    private final UiEndpoints ui;

    Router(ReadEndpoints reads, WriteEndpoints writes, SwitchoverEndpoint switchover, AccessControl access,
           UiEndpoints ui) {
        this.ui = ui;
        this.reads = reads;
        this.writes = writes;
        this.switchover = switchover;
        this.access = access;
    }

    void route(RestExchange ctx) throws InterruptedException {
        String method = ctx.method();
        String path = ctx.path();
        String segment = segment(path);
        Map<String, List<String>> query = ctx.query();
        switch (method) {
            case "GET" -> {
                if (segment.equals("ui")) {
                    ui.get(ctx, path);
                } else if (!reads.get(ctx, segment)) {
                    reads.health(ctx, path, query);
                }
            }
            case "HEAD", "OPTIONS" -> reads.statusOnly(ctx, path, segment, query);
            default -> write(ctx, method, segment);
        }
    }

    private void write(RestExchange ctx, String method, String segment) throws InterruptedException {
        String key = method + " " + segment;
        switch (key) {
            case "PATCH config", "PUT config", "POST reload", "POST restart", "DELETE restart",
                 "POST switchover", "POST failover", "DELETE switchover", "POST reinitialize" -> access.check(ctx);
            case "POST failsafe" -> access.check(ctx, false); // spec 6 row 15
            default -> throw WRITE_SEGMENTS.contains(segment)
                    ? new HttpError(405, "Method Not Allowed")
                    : new HttpError(404, "Not Found");
        }
        switch (key) {
            case "PATCH config" -> writes.patchConfig(ctx);
            case "PUT config" -> writes.putConfig(ctx);
            case "POST reload" -> writes.reload(ctx);
            case "POST restart" -> writes.restart(ctx);
            case "DELETE restart" -> writes.deleteRestart(ctx);
            case "POST switchover" -> switchover.post(ctx, "switchover");
            case "POST failover" -> switchover.post(ctx, "failover");
            case "DELETE switchover" -> switchover.delete(ctx);
            case "POST reinitialize" -> writes.reinitialize(ctx);
            case "POST failsafe" -> writes.failsafe(ctx);
            default -> throw new HttpError(404, "Not Found");
        }
    }

    static String segment(String path) {
        String p = path.startsWith("/") ? path.substring(1) : path;
        int slash = p.indexOf('/');
        return slash < 0 ? p : p.substring(0, slash);
    }
}
