package io.patronijvm.agent.config;

/** The {@code listen} / {@code connect_address} pairs of restapi and postgresql. */
final class Addresses {

    private Addresses() {
    }

    /** A required {@code host[,host]:port}; null (with an error) when missing or malformed. */
    static HostPort listen(Section s, String key, int defaultPort) {
        String value = s.requiredString(key);
        if (value == null) {
            return null;
        }
        try {
            return HostPort.parse(value, defaultPort);
        } catch (IllegalArgumentException e) {
            s.problems().error(s.pathOf(key), e.getMessage());
            return null;
        }
    }

    /**
     * The address peers use. Absent: the listen address, unless that binds every interface,
     * which other hosts cannot connect to. A wildcard connect address is an error for the same reason.
     */
    static String connectAddress(Section s, String key, HostPort listen) {
        String value = s.string(key);
        if (value == null) {
            if (listen == null) {
                return null;
            }
            if (listen.isWildcard()) {
                s.problems().error(s.pathOf(key), "is required when " + s.pathOf("listen")
                        + " binds all addresses (write the host:port other nodes connect to)");
                return null;
            }
            return listen.firstAddress();
        }
        try {
            HostPort hp = HostPort.parse(value, listen == null ? 0 : listen.port());
            boolean noPort = !value.contains(":") || value.trim().endsWith("]");
            if (noPort && !hp.isWildcard() && !value.contains(",")) {
                // Patroni accepts it: the URL built from it then uses the scheme's default port.
                s.problems().warning(s.pathOf(key), "'" + value + "' has no port: other nodes will use the default "
                        + "port of the URL (80/443 for the REST API, 5432 for PostgreSQL); write host:port");
                return value.trim();
            }
            if (hp.port() == 0) {
                s.problems().error(s.pathOf(key), "'" + value + "' must be host:port");
                return null;
            }
            if (hp.isWildcard() || hp.host().contains(",")) {
                s.problems().error(s.pathOf(key), "'" + value + "' must name one host other nodes can connect to");
                return null;
            }
            return value.trim();
        } catch (IllegalArgumentException e) {
            s.problems().error(s.pathOf(key), e.getMessage());
            return null;
        }
    }
}
