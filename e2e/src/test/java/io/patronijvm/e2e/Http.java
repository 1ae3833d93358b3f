package io.patronijvm.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.function.Supplier;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;

/** Small bounded HTTP client for the nodes' REST APIs and Consul's HTTP API. */
final class Http {

    static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(3);

    record Response(int status, String body) {
        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new IllegalStateException("not JSON (HTTP " + status + "): " + body, e);
            }
        }
    }

    private final HttpClient client;
    private final Supplier<LocalCluster.Credentials> credentials;

    /** Without credentials: what an anonymous client gets. */
    Http() {
        this(() -> LocalCluster.Credentials.NONE);
    }

    /**
     * With the cluster's credentials: its Consul token on requests to port 8500, basic auth on the
     * REST API's (port 8008) unsafe methods.
     */
    Http(Supplier<LocalCluster.Credentials> credentials) {
        this(credentials, null);
    }

    /** With {@code tls} (not null) for https URLs: a cluster whose REST API wants client certificates. */
    Http(Supplier<LocalCluster.Credentials> credentials, javax.net.ssl.SSLContext tls) {
        this.credentials = credentials;
        HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2))
                .version(HttpClient.Version.HTTP_1_1);
        if (tls != null) {
            b.sslContext(tls);
        }
        this.client = b.build();
    }

    /** The response, or empty when the server could not be reached in time. */
    Optional<Response> get(String url) {
        return send(HttpRequest.newBuilder(URI.create(url)).timeout(TIMEOUT).GET().build());
    }

    /** HAProxy's health check ({@code option httpchk OPTIONS <path>}). */
    Optional<Response> options(String url) {
        return send(HttpRequest.newBuilder(URI.create(url)).timeout(TIMEOUT)
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).build());
    }

    Optional<Response> post(String url, String jsonBody, Duration timeout) {
        return send(HttpRequest.newBuilder(URI.create(url)).timeout(timeout)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(jsonBody)).build());
    }

    Optional<Response> put(String url, String body) {
        return send(HttpRequest.newBuilder(URI.create(url)).timeout(TIMEOUT)
                .PUT(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    private HttpRequest withCredentials(HttpRequest request) {
        LocalCluster.Credentials c = credentials.get();
        int port = request.uri().getPort();
        if (port == 8500 && c.consulToken() != null) {
            return HttpRequest.newBuilder(request, (k, v) -> true).header("X-Consul-Token", c.consulToken()).build();
        }
        if (port == 8008 && c.restUsername() != null && !request.method().equals("GET")) {
            String basic = Base64.getEncoder().encodeToString((c.restUsername() + ":" + c.restPassword())
                    .getBytes(StandardCharsets.UTF_8));
            return HttpRequest.newBuilder(request, (k, v) -> true).header("Authorization", "Basic " + basic).build();
        }
        return request;
    }

    private Optional<Response> send(HttpRequest unauthenticated) {
        HttpRequest request = withCredentials(unauthenticated);
        try {
            HttpResponse<String> r = client.send(request, HttpResponse.BodyHandlers.ofString());
            return Optional.of(new Response(r.statusCode(), r.body()));
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted: " + request.uri(), e);
        }
    }
}
