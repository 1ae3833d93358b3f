package io.patronijvm.agent.config;

import io.patronijvm.core.config.ConfigValues;
import io.patronijvm.core.config.ConsulConfig;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.Set;

/** Reads {@code consul:} (spec 2.5): {@code url} wins over {@code host}/{@code port}/{@code scheme}. */
final class ConsulSection {

    static final int DEFAULT_PORT = 8500;
    private static final Set<String> KNOWN = Set.of("host", "url", "port", "scheme", "token", "verify", "cacert",
            "cert", "key", "dc", "consistency", "checks", "register_service", "service_tags",
            "service_check_interval", "service_check_tls_server_name");
    private static final Set<String> CONSISTENCY = Set.of("default", "consistent", "stale");

    private ConsulSection() {
    }

    /** The section, or null when it has errors. */
    static ConsulConfig read(Section s) {
        Problems problems = s.problems();
        boolean errorsBefore = problems.hasErrors();
        s.warnUnknown(KNOWN);
        String scheme = "http";
        String host = "127.0.0.1";
        int port = DEFAULT_PORT;
        String url = s.string("url");
        if (url != null) {
            try {
                URI u = new URI(url.trim());
                if (u.getScheme() == null || u.getHost() == null) {
                    throw new URISyntaxException(url, "expected scheme://host[:port]");
                }
                scheme = u.getScheme().toLowerCase(java.util.Locale.ROOT);
                host = u.getHost().replace("[", "").replace("]", "");
                port = u.getPort() < 0 ? DEFAULT_PORT : u.getPort();
            } catch (URISyntaxException e) {
                problems.error(s.pathOf("url"), "'" + url + "' is not a URL like http://127.0.0.1:8500");
            }
        } else {
            String hostValue = s.string("host");
            if (hostValue != null) {
                try {
                    HostPort hp = HostPort.parse(hostValue, DEFAULT_PORT);
                    host = hp.host();
                    port = hp.port();
                } catch (IllegalArgumentException e) {
                    problems.error(s.pathOf("host"), e.getMessage());
                }
            }
            if (s.has("port")) {
                port = port(s);
            }
            String sch = s.string("scheme");
            if (sch != null) {
                scheme = sch.toLowerCase(java.util.Locale.ROOT);
            }
        }
        if (!scheme.equals("http") && !scheme.equals("https")) {
            problems.error(s.pathOf(url != null ? "url" : "scheme"), "scheme '" + scheme + "' is not http or https");
        }
        String consistency = s.string("consistency");
        if (consistency != null && !CONSISTENCY.contains(consistency)) {
            problems.error(s.pathOf("consistency"), "'" + consistency + "' is not one of default, consistent, stale");
        }
        Duration interval = s.duration("service_check_interval", Duration.ofSeconds(5), ChronoUnit.SECONDS);
        if (interval.isZero()) {
            problems.error(s.pathOf("service_check_interval"), "must be more than 0");
        }
        ConsulConfig config = new ConsulConfig(scheme, host, port, s.string("token"), s.bool("verify", true),
                s.string("cacert"), s.string("cert"), s.string("key"), s.string("dc"),
                consistency == null ? "default" : consistency, s.stringList("checks"),
                s.bool("register_service", false), s.stringList("service_tags"), interval,
                s.string("service_check_tls_server_name"));
        return !errorsBefore && problems.hasErrors() ? null : config;
    }

    private static int port(Section s) {
        Object v = s.raw("port");
        Optional<Long> n = ConfigValues.integer(v);
        if (n.isEmpty()) {
            s.problems().error(s.pathOf("port"), "must be a port number, found " + ConfigValues.describe(v));
            return DEFAULT_PORT;
        }
        if (n.get() < 1 || n.get() > 65535) {
            s.problems().error(s.pathOf("port"), n.get() + " is out of range 1..65535");
            return DEFAULT_PORT;
        }
        return n.get().intValue();
    }
}
