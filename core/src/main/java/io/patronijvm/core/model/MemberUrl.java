package io.patronijvm.core.model;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * Host and port of a member's {@code conn_url} or {@code api_url}, read the way Patroni reads them
 * (Python's urlparse takes any host name). Java's {@link URI} gives no host for a name that is not
 * an RFC 2396 host name, such as the seed's {@code member_1} (an underscore): it keeps such an
 * authority as "registry based", so the host and port are split from the raw authority here.
 */
public record MemberUrl(String host, int port) {

    /** The host (IPv6 brackets removed) and port ({@code -1} when the URL names none), or empty. */
    public static Optional<MemberUrl> parse(String url) {
        if (url == null || url.isBlank()) {
            return Optional.empty();
        }
        URI u;
        try {
            u = new URI(url.strip());
        } catch (URISyntaxException e) {
            return Optional.empty();
        }
        if (u.getHost() != null) {
            return Optional.of(new MemberUrl(unbracket(u.getHost()), u.getPort()));
        }
        return fromAuthority(u.getRawAuthority());
    }

    /** {@link #parse} with a default port. */
    public static Optional<MemberUrl> parse(String url, int defaultPort) {
        return parse(url).map(m -> m.port < 0 ? new MemberUrl(m.host, defaultPort) : m);
    }

    /**
     * A URI Java's HttpClient accepts: {@code uri} itself when Java sees its host, else the same
     * URI with the host replaced by what {@code resolve} makes of it (an address). The HttpClient
     * refuses a URI without a host outright.
     */
    public static URI forHttpClient(URI uri, UnaryOperator<String> resolve) {
        if (uri.getHost() != null || uri.getRawAuthority() == null) {
            return uri;
        }
        MemberUrl m = fromAuthority(uri.getRawAuthority())
                .orElseThrow(() -> new IllegalArgumentException("no host in " + uri));
        String address = resolve.apply(m.host);
        String host = address.contains(":") ? "[" + address + "]" : address;
        String authority = host + (m.port < 0 ? "" : ":" + m.port);
        StringBuilder s = new StringBuilder(uri.getScheme()).append("://").append(authority);
        if (uri.getRawPath() != null) {
            s.append(uri.getRawPath());
        }
        if (uri.getRawQuery() != null) {
            s.append('?').append(uri.getRawQuery());
        }
        return URI.create(s.toString());
    }

    private static Optional<MemberUrl> fromAuthority(String authority) {
        if (authority == null || authority.isEmpty()) {
            return Optional.empty();
        }
        String a = authority.substring(authority.lastIndexOf('@') + 1);
        String host = a;
        int port = -1;
        int colon = a.lastIndexOf(':');
        if (colon >= 0 && a.indexOf(']', colon) < 0) {
            host = a.substring(0, colon);
            String p = a.substring(colon + 1);
            if (!p.isEmpty()) {
                try {
                    port = Integer.parseInt(p);
                } catch (NumberFormatException e) {
                    return Optional.empty();
                }
                if (port < 0 || port > 65535) {
                    return Optional.empty();
                }
            }
        }
        host = unbracket(host);
        return host.isEmpty() ? Optional.empty() : Optional.of(new MemberUrl(host, port));
    }

    private static String unbracket(String host) {
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }
}
