package io.patronijvm.restapi;

import io.patronijvm.pem.PemTls;

import io.patronijvm.core.config.RestApiConfig;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Asks other members' REST APIs, in parallel and each within {@code timeout}, for their status
 * ({@code GET <api_url>}) and our extension ({@code GET /patroni-jvm}), for the status page. Only
 * safe endpoints are called, at the {@code api_url} the members published in the DCS. Over TLS it
 * trusts {@code restapi.cafile} (else the JDK's trust store) and presents this node's certificate,
 * so members that demand a client certificate answer too.
 */
final class MemberProbes {

    /**
     * What one member said; {@code error} is null when its status came back. {@code status} is its
     * decoded {@code /patroni} object, {@code extension} its decoded {@code /patroni-jvm} or null.
     */
    record Answer(Map<String, Object> status, Object extension, String error, long rttMillis) {
    }

    private final RestApiConfig config;
    private final Duration timeout;
    /** Made on the first status page: the JDK client (and TLS) is not loaded at start for a page few open. */
    private volatile HttpClient http;

    MemberProbes(RestApiConfig config, Duration timeout) {
        this.config = config;
        this.timeout = timeout;
    }

    private HttpClient http() {
        HttpClient c = http;
        if (c == null) {
            synchronized (this) {
                c = http;
                if (c == null) {
                    HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(timeout)
                            .version(HttpClient.Version.HTTP_1_1).followRedirects(HttpClient.Redirect.NEVER);
                    if (config.tls()) {
                        b.sslContext(sslContext(config));
                    }
                    c = b.build();
                    http = c;
                }
            }
        }
        return c;
    }

    private static SSLContext sslContext(RestApiConfig config) {
        try {
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(PemTls.keyStore("restapi", config.certfile(), config.keyfile(), config.keyfilePassword()),
                    PemTls.STORE_PASSWORD);
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(config.cafile() == null || config.cafile().isBlank() ? null
                    : PemTls.trustStore("restapi.cafile", config.cafile()));
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("restapi TLS: cannot set up the client side for member probes: "
                    + e.getMessage(), e);
        }
    }

    /** {@code apiUrls}: member name to published api_url. One answer per member, in the same order. */
    Map<String, Answer> ask(Map<String, String> apiUrls) throws InterruptedException {
        Map<String, CompletableFuture<Answer>> pending = new LinkedHashMap<>();
        apiUrls.forEach((name, url) -> pending.put(name, askOne(url)));
        long deadline = System.nanoTime() + timeout.toNanos() + Duration.ofMillis(300).toNanos();
        Map<String, Answer> out = new LinkedHashMap<>();
        for (var e : pending.entrySet()) {
            long left = Math.max(0, deadline - System.nanoTime());
            try {
                out.put(e.getKey(), e.getValue().get(left, TimeUnit.NANOSECONDS));
            } catch (TimeoutException ex) {
                e.getValue().cancel(true);
                out.put(e.getKey(), new Answer(null, null, "no answer within " + timeout.toMillis() + " ms", -1));
            } catch (ExecutionException ex) {
                out.put(e.getKey(), new Answer(null, null, describe(ex.getCause()), -1));
            } catch (InterruptedException ex) {
                pending.values().forEach(f -> f.cancel(true));
                throw ex;
            }
        }
        return out;
    }

    private CompletableFuture<Answer> askOne(String apiUrl) {
        URI status;
        URI extension;
        try {
            status = forHttpClient(URI.create(apiUrl));
            extension = sibling(status, "patroni-jvm");
        } catch (IllegalArgumentException | NullPointerException e) {
            return CompletableFuture.completedFuture(new Answer(null, null, "unusable api_url " + apiUrl, -1));
        }
        long t0 = System.nanoTime();
        CompletableFuture<Answer> s = get(status).handle((r, t) -> {
            long rtt = (System.nanoTime() - t0) / 1_000_000;
            if (t != null) {
                return new Answer(null, null, describe(t), rtt);
            }
            // Patroni answers 503 with a full status body when PostgreSQL is down: still an answer.
            return parse(r.body()) instanceof Map<?, ?> body ? new Answer(stringKeys(body), null, null, rtt)
                    : new Answer(null, null, "HTTP " + r.statusCode() + " without a status body", rtt);
        });
        CompletableFuture<Object> x = get(extension)
                .thenApply(r -> r.statusCode() == 200 ? parse(r.body()) : null)
                .exceptionally(t -> null);
        return s.thenCombine(x, (a, ext) -> new Answer(a.status(), a.error() == null ? ext : null, a.error(),
                a.rttMillis()));
    }

    private CompletableFuture<HttpResponse<String>> get(URI uri) {
        HttpRequest req = HttpRequest.newBuilder(uri).timeout(timeout).GET().build();
        return http().sendAsync(req, HttpResponse.BodyHandlers.ofString());
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> stringKeys(Map<?, ?> decoded) {
        return (Map<String, Object>) decoded; // JSON object keys are strings
    }

    private static Object parse(String body) {
        try {
            return Reply.JSON_VALUES.anyFrom(body);
        } catch (java.io.IOException e) {
            return null; // not JSON: the member is not a Patroni REST API, reported as no status
        }
    }

    /**
     * Java's HttpClient refuses a host its URI does not see (the seed's {@code member_1}), which
     * Patroni calls as it is: such a host is resolved and its address asked instead.
     */
    private static URI forHttpClient(URI uri) {
        return io.patronijvm.core.model.MemberUrl.forHttpClient(uri, host -> {
            try {
                return java.net.InetAddress.getByName(host).getHostAddress();
            } catch (java.net.UnknownHostException e) {
                throw new IllegalArgumentException("cannot resolve host '" + host + "'", e);
            }
        });
    }

    /** {@code http://h:8008/patroni} to {@code http://h:8008/<name>}. */
    static URI sibling(URI apiUrl, String name) {
        String path = apiUrl.getRawPath() == null ? "" : apiUrl.getRawPath();
        int slash = path.lastIndexOf('/');
        String base = slash < 0 ? "" : path.substring(0, slash);
        return URI.create(apiUrl.getScheme() + "://" + apiUrl.getRawAuthority() + base + "/" + name);
    }

    private static String describe(Throwable t) {
        Throwable c = t;
        while ((c instanceof java.util.concurrent.CompletionException || c instanceof ExecutionException)
                && c.getCause() != null) {
            c = c.getCause();
        }
        if (c instanceof java.net.ConnectException) {
            return "connection refused";
        }
        if (c instanceof java.net.http.HttpTimeoutException) {
            return "no answer within timeout";
        }
        String m = c.getMessage();
        return c.getClass().getSimpleName() + (m == null || m.isBlank() ? "" : ": " + m);
    }
}
