package io.patronijvm.dcs.consul;

import io.patronijvm.core.config.ConsulConfig;
import io.patronijvm.core.dcs.DcsOutcome;
import io.patronijvm.core.dcs.ServiceRegistration;
import io.patronijvm.core.time.Deadline;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Registers the node as a Consul service (spec 2.6) so that {@code primary.<svc>.service.consul}
 * and {@code replica.<svc>.service.consul} resolve. Registered only while PostgreSQL is running
 * in a known role, deregistered when stopped, re-registered only when something changed or the
 * previous attempt failed.
 */
final class ConsulServiceRegistrar {

    private static final Logger LOG = LoggerFactory.getLogger(ConsulServiceRegistrar.class);
    private static final List<String> REGISTERED_ROLES = List.of("master", "primary", "replica", "standby-leader");

    private final ConsulTransport http;
    private final ConsulConfig cfg;
    private final String serviceName;
    private final String serviceId;
    private Map<String, Object> registered;
    private boolean present;

    ConsulServiceRegistrar(ConsulTransport http, ConsulConfig cfg, String scope, String name) {
        this.http = http;
        this.cfg = cfg;
        this.serviceName = serviceName(scope);
        this.serviceId = scope + "/" + name;
    }

    /**
     * Patroni's service name: the scope lowercased, {@code .}, {@code _} and space become
     * {@code -}, other characters outside {@code [a-z0-9-]} become {@code u%04d}; at most 230 chars.
     */
    static String serviceName(String scope) {
        StringBuilder sb = new StringBuilder();
        for (char c : scope.toLowerCase(Locale.ROOT).toCharArray()) {
            if (c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
                sb.append(c);
            } else if (c == '.' || c == '_' || c == ' ') {
                sb.append('-');
            } else {
                sb.append(String.format(Locale.ROOT, "u%04d", (int) c));
            }
        }
        return sb.length() > 230 ? sb.substring(0, 230) : sb.toString();
    }

    DcsOutcome register(ServiceRegistration reg, long sessionTtlMillis, Deadline d)
            throws ConsulUnavailableException, InterruptedException {
        String role = reg.role() == null ? "" : reg.role().replace('_', '-');
        if ("stopped".equals(reg.state())) {
            return deregister(d);
        }
        if (!REGISTERED_ROLES.contains(role)) {
            LOG.warn("Could not register service: unknown role type {}", reg.role());
            return DcsOutcome.OK;
        }
        if (!"running".equals(reg.state())) {
            return DcsOutcome.OK;
        }
        Map<String, Object> body = body(reg, role, sessionTtlMillis);
        if (present && body.equals(registered)) {
            return DcsOutcome.OK;
        }
        ConsulResponse r = http.call("PUT", http.url("agent/service/register", Map.of()), ConsulJson.compact(body), d);
        if (!r.ok()) {
            present = false;
            return DcsOutcome.unavailable("service register answered HTTP " + r.code() + ": " + r.body().strip());
        }
        registered = body;
        present = true;
        LOG.info("Registered Consul service {} id {} tags {}", serviceName, serviceId, body.get("Tags"));
        return DcsOutcome.OK;
    }

    DcsOutcome deregister(Deadline d) throws ConsulUnavailableException, InterruptedException {
        ConsulResponse r = http.call("PUT", http.url("agent/service/deregister", serviceId, Map.of()), null, d);
        if (!r.ok() && r.code() != 404) {
            return DcsOutcome.unavailable("service deregister answered HTTP " + r.code() + ": " + r.body().strip());
        }
        present = false;
        registered = null;
        return DcsOutcome.OK;
    }

    Map<String, Object> body(ServiceRegistration reg, String role, long sessionTtlMillis) {
        Objects.requireNonNull(reg.connUrl(), "conn_url");
        URI api = URI.create(Objects.requireNonNull(reg.apiUrl(), "api_url"));
        String checkRole = role.equals("master") ? "primary" : role;
        Map<String, Object> check = new LinkedHashMap<>();
        check.put("HTTP", api.getScheme() + "://" + api.getRawAuthority() + "/" + checkRole);
        check.put("Interval", cfg.serviceCheckInterval().toSeconds() + "s");
        check.put("DeregisterCriticalServiceAfter", ConsulSession.goDuration(sessionTtlMillis * 10));
        if (cfg.serviceCheckTlsServerName() != null) {
            check.put("TLSServerName", cfg.serviceCheckTlsServerName());
        }
        List<String> tags = new ArrayList<>(cfg.serviceTags());
        tags.add(role);
        if (role.equals("master")) {
            tags.add("primary");
        } else if (role.equals("primary")) {
            tags.add("master");
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("Name", serviceName);
        body.put("ID", serviceId);
        // conn_url's host as Patroni reads it: a name Java's URI rejects (member_1) is still a host.
        io.patronijvm.core.model.MemberUrl hp = io.patronijvm.core.model.MemberUrl.parse(reg.connUrl())
                .orElseThrow(() -> new IllegalArgumentException("conn_url '" + reg.connUrl() + "' has no host"));
        body.put("Address", hp.host());
        body.put("Port", hp.port());
        body.put("Tags", tags);
        body.put("EnableTagOverride", true);
        body.put("Check", check);
        return body;
    }
}
