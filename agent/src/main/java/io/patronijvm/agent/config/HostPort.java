package io.patronijvm.agent.config;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * {@code host[,host]:port} as Patroni's {@code split_host_port} reads it: the port follows the
 * last colon; IPv6 hosts may be written in brackets; the port may be omitted.
 *
 * @param host one host or a comma-separated list, brackets removed; empty means all addresses
 * @param port 1..65535
 */
record HostPort(String host, int port) {

    static HostPort parse(String value, int defaultPort) {
        String v = value.trim();
        String hosts = v;
        int port = defaultPort;
        int colon = v.lastIndexOf(':');
        boolean bareIpv6 = colon >= 0 && v.indexOf(':') != colon && !v.contains("]");
        if (colon >= 0 && !bareIpv6) {
            hosts = v.substring(0, colon);
            port = parsePort(v.substring(colon + 1), value);
        }
        String cleaned = Arrays.stream(hosts.split(","))
                .map(h -> h.trim().replace("[", "").replace("]", ""))
                .collect(Collectors.joining(","));
        return new HostPort(cleaned, port);
    }

    static int parsePort(String text, Object whole) {
        int port;
        try {
            port = Integer.parseInt(text.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + whole + "' has no valid port (write host:port)");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " in '" + whole + "' is out of range 1..65535");
        }
        return port;
    }

    /** {@code 0.0.0.0}, {@code ::}, {@code *} or empty: binds everything, useless as an address to connect to. */
    boolean isWildcard() {
        return host.isEmpty() || Arrays.stream(host.split(",")).anyMatch(h -> h.equals("0.0.0.0") || h.equals("::")
                || h.equals("*"));
    }

    /** First host, with brackets for IPv6, followed by the port. */
    String firstAddress() {
        String first = host.split(",")[0];
        return (first.contains(":") ? "[" + first + "]" : first) + ":" + port;
    }
}
