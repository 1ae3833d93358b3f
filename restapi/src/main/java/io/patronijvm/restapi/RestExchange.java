package io.patronijvm.restapi;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * One request and the reply being built for it, as the endpoints see them. The server adapter
 * ({@link JdkHttpServer}) fills in the request side and writes the reply after the handler
 * returns, so no endpoint class depends on the HTTP server underneath.
 */
final class RestExchange {

    private static final byte[] EMPTY = new byte[0];

    private final String method;
    private final String path;
    private final String rawQuery;
    private final Function<String, String> requestHeaders;
    private final String remoteAddress;
    private final Supplier<X509Certificate[]> clientCertificates;
    private final InputStream body;
    private Map<String, List<String>> query;

    private final Map<String, String> replyHeaders = new LinkedHashMap<>();
    private int status = 200;
    private String contentType;
    private byte[] replyBody = EMPTY;

    /**
     * @param path               the raw (still percent-encoded) path, as Patroni matches it
     * @param rawQuery           the raw query string, or null
     * @param requestHeaders     first value of a request header by case-insensitive name, or null
     * @param remoteAddress      the client's IP address literal
     * @param clientCertificates the verified TLS client chain, or null (no TLS, or none sent)
     */
    RestExchange(String method, String path, String rawQuery, Function<String, String> requestHeaders,
                 String remoteAddress, Supplier<X509Certificate[]> clientCertificates, InputStream body) {
        this.method = method;
        this.path = path;
        this.rawQuery = rawQuery;
        this.requestHeaders = requestHeaders;
        this.remoteAddress = remoteAddress;
        this.clientCertificates = clientCertificates;
        this.body = body;
    }

    String method() {
        return method;
    }

    String path() {
        return path;
    }

    /** Decoded query parameters in request order; a name without {@code =} has an empty value. */
    Map<String, List<String>> query() {
        if (query == null) {
            query = parseQuery(rawQuery);
        }
        return query;
    }

    /** A request header's first value, or null. */
    String header(String name) {
        return requestHeaders.apply(name);
    }

    String remoteAddress() {
        return remoteAddress;
    }

    X509Certificate[] clientCertificates() {
        return clientCertificates.get();
    }

    /** The request body; at most Content-Length bytes (the server adapter enforces the framing). */
    InputStream body() {
        return body;
    }

    /** Sets a reply header (replacing an earlier value of the same name). */
    void header(String name, String value) {
        replyHeaders.put(name, value);
    }

    void reply(int code, String type, byte[] content) {
        this.status = code;
        this.contentType = type;
        this.replyBody = content;
    }

    /** A reply whose code tells everything: no body, no content type. */
    void statusOnly(int code) {
        this.status = code;
        this.contentType = null;
        this.replyBody = EMPTY;
    }

    int status() {
        return status;
    }

    String contentType() {
        return contentType;
    }

    byte[] replyBody() {
        return replyBody;
    }

    Map<String, String> replyHeaders() {
        return replyHeaders;
    }

    /**
     * Like Python's {@code parse_qs(..., keep_blank_values=True)}, which Patroni uses: {@code +} is
     * a space, a malformed escape stays literal, bytes that are not UTF-8 become U+FFFD.
     */
    static Map<String, List<String>> parseQuery(String raw) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String pair : raw.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = decode(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
            out.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
        }
        return out;
    }

    private static String decode(String s) {
        if (s.indexOf('%') < 0 && s.indexOf('+') < 0) {
            return s;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(s.length());
        byte[] in = s.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < in.length; i++) {
            byte b = in[i];
            int hi = i + 2 < in.length ? Character.digit(in[i + 1], 16) : -1;
            int lo = hi >= 0 ? Character.digit(in[i + 2], 16) : -1;
            if (b == '%' && lo >= 0) {
                bytes.write(hi << 4 | lo);
                i += 2;
            } else {
                bytes.write(b == '+' ? ' ' : b);
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
