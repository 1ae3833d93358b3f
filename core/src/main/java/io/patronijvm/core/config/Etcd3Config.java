package io.patronijvm.core.config;

import java.util.List;

/**
 * The {@code etcd3:} section, resolved the way Patroni 3.0.2 resolves it
 * ({@code AbstractEtcd.get_etcd_client}): {@code proxy} wins (and implies {@code use_proxies}),
 * then {@code url}, then {@code hosts}, then {@code host}; {@code srv} is looked up first when
 * present and falls back to the hosts.
 *
 * @param protocol   {@code http} or {@code https}
 * @param endpoints  base URLs ({@code http://host:2379}) to start from; empty when only {@code srv} is given
 * @param useProxies the endpoints are proxies: never replace them with the cluster's member list
 * @param srv        DNS domain of the {@code _etcd-client._tcp} SRV records, or null
 * @param srvSuffix  suffix of the SRV record names, or null
 * @param username   user for etcd authentication, or null
 * @param password   its password, or null
 * @param cacert     CA file or null
 * @param cert       client certificate file or null
 * @param key        client key file or null (may be inside {@code cert})
 */
public record Etcd3Config(
        String protocol,
        List<String> endpoints,
        boolean useProxies,
        String srv,
        String srvSuffix,
        String username,
        String password,
        String cacert,
        String cert,
        String key) {

    public static final int DEFAULT_PORT = 2379;

    public Etcd3Config {
        endpoints = endpoints == null ? List.of() : List.copyOf(endpoints);
    }

    /** Plain HTTP endpoints, no authentication (tests, local clusters). */
    public static Etcd3Config local(List<String> endpoints) {
        return new Etcd3Config("http", endpoints, false, null, null, null, null, null, null, null);
    }

    /** For log lines and error messages: where we look for etcd. */
    public String describe() {
        return endpoints.isEmpty() ? "srv " + srv : String.join(",", endpoints);
    }

    @Override
    public String toString() {
        return "Etcd3Config[" + describe() + ", useProxies=" + useProxies + ", user=" + username
                + ", password=" + (password == null ? "none" : "***") + "]";
    }
}
