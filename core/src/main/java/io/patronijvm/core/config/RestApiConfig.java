package io.patronijvm.core.config;

import java.util.List;
import java.util.Map;

/**
 * The {@code restapi:} section.
 *
 * @param listenHost     address to bind ({@code listen} host part; empty means all)
 * @param listenPort     port to bind, default 8008
 * @param connectAddress {@code host:port} peers and HAProxy use; becomes the member's {@code api_url}
 * @param username       basic-auth user for unsafe endpoints, or null
 * @param password       basic-auth password, or null
 * @param certfile       TLS certificate (switches the API to HTTPS), or null
 * @param keyfile        TLS key, or null
 * @param keyfilePassword password of the key, or null
 * @param cafile         CA for client certificates, or null
 * @param verifyClient   {@code none}, {@code optional} or {@code required}
 * @param allowlist      CIDRs or host names allowed to call unsafe endpoints (empty = all)
 * @param allowlistIncludeMembers also allow members' api_url hosts
 * @param httpExtraHeaders headers added to every response
 * @param httpsExtraHeaders headers added to every TLS response
 * @param requestQueueSize accept backlog
 */
public record RestApiConfig(
        String listenHost,
        int listenPort,
        String connectAddress,
        String username,
        String password,
        String certfile,
        String keyfile,
        String keyfilePassword,
        String cafile,
        String verifyClient,
        List<String> allowlist,
        boolean allowlistIncludeMembers,
        Map<String, String> httpExtraHeaders,
        Map<String, String> httpsExtraHeaders,
        int requestQueueSize) {

    public RestApiConfig {
        allowlist = allowlist == null ? List.of() : List.copyOf(allowlist);
        httpExtraHeaders = httpExtraHeaders == null ? Map.of() : Map.copyOf(httpExtraHeaders);
        httpsExtraHeaders = httpsExtraHeaders == null ? Map.of() : Map.copyOf(httpsExtraHeaders);
    }

    public static RestApiConfig plain(String host, int port) {
        return new RestApiConfig(host, port, host + ":" + port, null, null, null, null, null, null, "none",
                List.of(), false, Map.of(), Map.of(), 5);
    }

    public boolean tls() {
        return certfile != null && !certfile.isBlank();
    }

    public boolean authenticationEnabled() {
        return username != null && password != null;
    }

    /** The member's {@code api_url}: {@code http(s)://<connect_address>/patroni}. */
    public String apiUrl() {
        return (tls() ? "https" : "http") + "://" + connectAddress + "/patroni";
    }

    @Override
    public String toString() {
        return "RestApiConfig[listen=" + listenHost + ":" + listenPort + ", connectAddress=" + connectAddress
                + ", auth=" + (authenticationEnabled() ? "basic" : "none") + ", tls=" + tls() + "]";
    }
}
