package io.patronijvm.agent.ha;

import io.patronijvm.core.model.MemberUrl;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;

/**
 * Members' REST API URLs as Java's HttpClient takes them. It refuses a URI whose host Java's URI
 * does not see (the seed's {@code member_1}: an underscore), which Patroni calls without a second
 * thought; such a host is resolved here and the request goes to its address. Over https the
 * certificate is then checked against that address, not the name.
 */
public final class HttpUris {

    private HttpUris() {
    }

    /** @throws IllegalArgumentException when the host cannot be resolved or the URL has none */
    public static URI of(String url) {
        return of(URI.create(url));
    }

    /** @throws IllegalArgumentException when the host cannot be resolved or the URL has none */
    public static URI of(URI uri) {
        return MemberUrl.forHttpClient(uri, HttpUris::address);
    }

    private static String address(String host) {
        try {
            return InetAddress.getByName(host).getHostAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("cannot resolve host '" + host + "': " + e.getMessage(), e);
        }
    }
}
