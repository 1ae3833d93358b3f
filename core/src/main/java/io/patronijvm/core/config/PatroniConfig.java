package io.patronijvm.core.config;

import io.patronijvm.core.model.Tags;

/**
 * The node's local configuration: {@code patroni.yml} merged with {@code PATRONI_*} environment
 * variables, validated once and never mutated (a reload builds a new record).
 *
 * @param scope      cluster name
 * @param name       this member's name, unique in the cluster
 * @param namespace  key prefix, default {@code /service}
 * @param restapi    REST API settings
 * @param consul     Consul settings (null when the configuration uses etcd3)
 * @param bootstrap  bootstrap settings ({@link BootstrapConfig#NONE} when the section is absent)
 * @param hasBootstrapSection whether the file had a {@code bootstrap} section (R15 requires one)
 * @param postgresql local PostgreSQL settings
 * @param tags       this node's tags
 * @param watchdog   the {@code watchdog} section (R62)
 * @param logLevel   root log level
 * @param ctlUsername REST credentials for node-to-node calls and patronictl, or null
 * @param ctlPassword see above
 * @param etcd3      etcd v3 settings, or null when the configuration uses Consul
 */
public record PatroniConfig(
        String scope,
        String name,
        String namespace,
        RestApiConfig restapi,
        ConsulConfig consul,
        BootstrapConfig bootstrap,
        boolean hasBootstrapSection,
        PostgresqlConfig postgresql,
        Tags tags,
        WatchdogConfig watchdog,
        String logLevel,
        String ctlUsername,
        String ctlPassword,
        Etcd3Config etcd3) {

    /** A Consul configuration (the constructor before etcd3 existed). */
    public PatroniConfig(String scope, String name, String namespace, RestApiConfig restapi, ConsulConfig consul,
                         BootstrapConfig bootstrap, boolean hasBootstrapSection, PostgresqlConfig postgresql, Tags tags,
                         WatchdogConfig watchdog, String logLevel, String ctlUsername, String ctlPassword) {
        this(scope, name, namespace, restapi, consul, bootstrap, hasBootstrapSection, postgresql, tags, watchdog,
                logLevel, ctlUsername, ctlPassword, null);
    }

    /** Which DCS this node uses: {@code etcd3} or {@code consul}. */
    public String dcsName() {
        return etcd3 != null ? "etcd3" : "consul";
    }

    /** Where the DCS is, for log lines and error messages. */
    public String dcsAddress() {
        return etcd3 != null ? etcd3.describe() : consul == null ? "(none)" : consul.baseUrl();
    }

    public PatroniConfig {
        watchdog = watchdog == null ? WatchdogConfig.DEFAULTS : watchdog;
    }

    /** {@code off}, {@code automatic} or {@code required}. */
    public String watchdogMode() {
        return watchdog.mode().wire();
    }

    /** Consul key prefix without the leading slash: {@code service/<scope>/}. */
    public String keyPrefix() {
        String ns = namespace == null ? "/service" : namespace;
        String stripped = ns.replaceAll("^/+", "").replaceAll("/+$", "");
        return (stripped.isEmpty() ? "" : stripped + "/") + scope + "/";
    }
}
