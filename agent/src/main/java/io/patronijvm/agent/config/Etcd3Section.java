package io.patronijvm.agent.config;

import io.patronijvm.core.config.Etcd3Config;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Reads {@code etcd3:} as Patroni 3.0.2's {@code AbstractEtcd.get_etcd_client} does: {@code proxy}
 * is a {@code url} that is used as it is ({@code use_proxies}); {@code url} gives protocol, host,
 * port and, from its user part only, the credentials; else {@code hosts} (a list or a
 * comma-separated string of {@code host[:port]}, port defaulting to {@code port} or 2379); else
 * {@code host} (its port unless {@code port} is given). {@code srv} (aliases {@code discovery_srv},
 * {@code srv_domain}) is looked up first, falling back to those hosts.
 */
final class Etcd3Section {

    private static final Set<String> KNOWN = Set.of("host", "hosts", "port", "url", "proxy", "protocol", "srv",
            "srv_suffix", "discovery_srv", "srv_domain", "use_proxies", "username", "password", "cacert", "cert",
            "key", "retriable_http_codes");

    private Etcd3Section() {
    }

    /** The section, or null when it has errors. */
    static Etcd3Config read(Section s) {
        Problems problems = s.problems();
        boolean errorsBefore = problems.hasErrors();
        s.warnUnknown(KNOWN);
        String protocol = s.string("protocol");
        protocol = protocol == null ? "http" : protocol.toLowerCase(Locale.ROOT);
        String username = s.string("username");
        String password = s.string("password");
        boolean useProxies = s.bool("use_proxies", false);
        String srv = firstOf(s, "srv", "discovery_srv", "srv_domain");
        String proxy = s.string("proxy");
        String url = proxy != null ? proxy : s.string("url");
        String urlKey = proxy != null ? "proxy" : "url";
        List<String> endpoints = new ArrayList<>();
        if (proxy != null) {
            useProxies = true;
        }
        if (url != null) {
            try {
                URI u = new URI(url.trim());
                if (u.getScheme() == null || u.getHost() == null) {
                    throw new URISyntaxException(url, "expected scheme://host[:port]");
                }
                protocol = u.getScheme().toLowerCase(Locale.ROOT);
                endpoints.add(protocol + "://" + bracket(u.getHost()) + ":" + (u.getPort() < 0
                        ? Etcd3Config.DEFAULT_PORT : u.getPort()));
                // Patroni takes the credentials from the URL and from nowhere else once a url is given.
                String[] user = u.getUserInfo() == null ? new String[0] : u.getUserInfo().split(":", 2);
                username = user.length > 0 && !user[0].isEmpty() ? user[0] : null;
                password = user.length > 1 && !user[1].isEmpty() ? user[1] : null;
            } catch (URISyntaxException e) {
                problems.error(s.pathOf(urlKey), "'" + url + "' is not a URL like http://127.0.0.1:2379");
            }
        } else if (s.has("hosts")) {
            int port = s.integer("port", Etcd3Config.DEFAULT_PORT, 1, 65535);
            for (String h : hostList(s)) {
                try {
                    HostPort hp = HostPort.parse(h, port);
                    endpoints.add(protocol + "://" + bracket(hp.host()) + ":" + hp.port());
                } catch (IllegalArgumentException e) {
                    problems.error(s.pathOf("hosts"), e.getMessage());
                }
            }
        } else if (s.has("host")) {
            try {
                HostPort hp = HostPort.parse(s.string("host"), Etcd3Config.DEFAULT_PORT);
                int port = s.has("port") ? s.integer("port", hp.port(), 1, 65535) : hp.port();
                endpoints.add(protocol + "://" + bracket(hp.host()) + ":" + port);
            } catch (IllegalArgumentException e) {
                problems.error(s.pathOf("host"), e.getMessage());
            }
        }
        if (!protocol.equals("http") && !protocol.equals("https")) {
            problems.error(s.pathOf(url != null ? urlKey : "protocol"), "protocol '" + protocol
                    + "' is not http or https");
        }
        if (endpoints.isEmpty() && srv == null && !problems.hasErrors()) {
            problems.error(s.path(), "names no etcd: set one of host, hosts, url, proxy or srv");
        }
        Etcd3Config config = new Etcd3Config(protocol, endpoints, useProxies, srv, s.string("srv_suffix"), username,
                password, s.string("cacert"), s.string("cert"), s.string("key"));
        return !errorsBefore && problems.hasErrors() ? null : config;
    }

    private static List<String> hostList(Section s) {
        Object raw = s.raw("hosts");
        if (raw instanceof String text) {
            return Arrays.stream(text.split(",")).map(String::strip).filter(h -> !h.isEmpty()).toList();
        }
        return s.stringList("hosts").stream().map(String::strip).filter(h -> !h.isEmpty()).toList();
    }

    private static String firstOf(Section s, String... keys) {
        for (String k : keys) {
            String v = s.string(k);
            if (v != null && !v.isBlank()) {
                return v;
            }
        }
        return null;
    }

    private static String bracket(String host) {
        String h = host.replace("[", "").replace("]", "");
        return h.contains(":") ? "[" + h + "]" : h;
    }
}
