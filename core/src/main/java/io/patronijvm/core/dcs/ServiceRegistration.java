package io.patronijvm.core.dcs;

/**
 * What to register as the Consul service for this node (spec 2.6).
 *
 * @param role     the member role ({@code master}/{@code primary}, {@code replica}, {@code standby_leader})
 * @param state    PostgreSQL state; only {@code running} nodes are registered
 * @param connUrl  {@code postgres://host:port/...}: address and port of the service
 * @param apiUrl   the node's {@code api_url}; the health check calls {@code <scheme://host:port>/<role>}
 */
public record ServiceRegistration(String role, String state, String connUrl, String apiUrl) {
}
