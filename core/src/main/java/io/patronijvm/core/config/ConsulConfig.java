package io.patronijvm.core.config;

import java.time.Duration;
import java.util.List;

/**
 * The {@code consul:} section, resolved the way Patroni resolves it: {@code url} wins over
 * {@code host}/{@code port}/{@code scheme}.
 *
 * @param scheme               {@code http} or {@code https}
 * @param host                 host name or address, default 127.0.0.1
 * @param port                 default 8500
 * @param token                ACL token or null
 * @param verify               verify the server certificate (https)
 * @param cacert               CA file or null
 * @param cert                 client certificate file or null
 * @param key                  client key file or null (may be inside {@code cert})
 * @param dc                   datacenter or null
 * @param consistency          {@code default}, {@code consistent} or {@code stale}
 * @param checks               session health checks (default none)
 * @param registerService      register the node as a Consul service
 * @param serviceTags          extra static tags
 * @param serviceCheckInterval interval of the service's HTTP check
 * @param serviceCheckTlsServerName SNI for the HTTP check, or null
 */
public record ConsulConfig(
        String scheme,
        String host,
        int port,
        String token,
        boolean verify,
        String cacert,
        String cert,
        String key,
        String dc,
        String consistency,
        List<String> checks,
        boolean registerService,
        List<String> serviceTags,
        Duration serviceCheckInterval,
        String serviceCheckTlsServerName) {

    public ConsulConfig {
        checks = checks == null ? List.of() : List.copyOf(checks);
        serviceTags = serviceTags == null ? List.of() : List.copyOf(serviceTags);
    }

    public static ConsulConfig local(String host, int port) {
        return new ConsulConfig("http", host, port, null, true, null, null, null, null, "default",
                List.of(), false, List.of(), Duration.ofSeconds(5), null);
    }

    public String baseUrl() {
        String h = host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
        return scheme + "://" + h + ":" + port;
    }

    @Override
    public String toString() {
        return "ConsulConfig[" + baseUrl() + ", token=" + (token == null ? "none" : "***") + ", dc=" + dc
                + ", consistency=" + consistency + ", registerService=" + registerService + "]";
    }

}
