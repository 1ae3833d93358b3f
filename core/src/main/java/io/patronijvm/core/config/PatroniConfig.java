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
 * @param consul     Consul settings
 * @param bootstrap  bootstrap settings ({@link BootstrapConfig#NONE} when the section is absent)
 * @param hasBootstrapSection whether the file had a {@code bootstrap} section (R15 requires one)
 * @param postgresql local PostgreSQL settings
 * @param tags       this node's tags
 * @param watchdog   the {@code watchdog} section (R62)
 * @param logLevel   root log level
 * @param ctlUsername REST credentials for node-to-node calls and patronictl, or null
 * @param ctlPassword see above
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
        String ctlPassword) {

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
