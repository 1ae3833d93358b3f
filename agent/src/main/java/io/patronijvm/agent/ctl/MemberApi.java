package io.patronijvm.agent.ctl;

import io.patronijvm.agent.config.CtlConfig.RestClientSettings;
import io.patronijvm.core.model.Member;
import io.patronijvm.pem.PemTls;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

/**
 * Calls to a member's REST API as patronictl makes them: {@code <scheme>://<host:port of
 * api_url>/<endpoint>}, basic auth and TLS from {@code ctl.*} (falling back to {@code restapi.*}),
 * a JSON body. Unlike patronictl 3.0.2, every call is bounded: connect 5 s, the answer within
 * {@code timeout} (a synchronous restart waits for PostgreSQL to come back).
 */
final class MemberApi {

    /** The answer: the status code and the body as text. */
    record Response(int status, String body) {
    }

    /** The member could not be reached (refused, timed out, TLS failure): the message says which. */
    static final class Unreachable extends Exception {
        Unreachable(String message) {
            super(message);
        }
    }

    private final RestClientSettings settings;
    private HttpClient client;

    MemberApi(RestClientSettings settings) {
        this.settings = settings;
    }

    Response call(Member member, String method, String endpoint, String jsonBody, Duration timeout)
            throws Unreachable, InterruptedException {
        if (member.apiUrl() == null || member.apiUrl().isBlank()) {
            throw new Unreachable("member " + member.name() + " has no api_url");
        }
        URI uri;
        try {
            URI api = new URI(member.apiUrl());
            uri = new URI(api.getScheme(), api.getRawAuthority(), "/" + (endpoint == null ? "" : endpoint), null, null);
            if (endpoint == null) {
                uri = api;
            }
        } catch (URISyntaxException e) {
            throw new Unreachable("member " + member.name() + " has a malformed api_url '" + member.apiUrl() + "'");
        }
        try {
            uri = io.patronijvm.agent.ha.HttpUris.of(uri);
        } catch (IllegalArgumentException e) {
            throw new Unreachable("member " + member.name() + ": " + e.getMessage());
        }
        HttpRequest.Builder req = HttpRequest.newBuilder(uri).timeout(timeout)
                .header("User-Agent", "patroni-jvm ctl")
                .method(method.toUpperCase(java.util.Locale.ROOT), jsonBody == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(jsonBody, StandardCharsets.UTF_8));
        if (jsonBody != null) {
            req.header("Content-Type", "application/json");
        }
        if (settings.username() != null && settings.password() != null) {
            String token = settings.username() + ":" + settings.password();
            req.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(token.getBytes(StandardCharsets.UTF_8)));
        }
        try {
            HttpResponse<String> r = client().send(req.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            return new Response(r.statusCode(), r.body());
        } catch (IOException e) {
            throw new Unreachable(uri + ": " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
        }
    }

    private synchronized HttpClient client() throws Unreachable {
        if (client == null) {
            HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
                    .version(HttpClient.Version.HTTP_1_1).followRedirects(HttpClient.Redirect.NEVER);
            boolean tls = settings.insecure() || settings.cacert() != null || settings.certfile() != null;
            if (tls) {
                boolean clientCert = settings.certfile() != null && !settings.certfile().isBlank();
                if (settings.insecure()) {
                    // urllib3's CERT_NONE checks neither the chain nor the name; the JDK client needs this switch.
                    System.setProperty("jdk.internal.httpclient.disableHostnameVerification", "true");
                }
                try {
                    // As patronictl (urllib3): with a client certificate the server's chain is always
                    // verified, and insecure only skips the host name check.
                    b.sslContext(PemTls.clientContext("ctl", settings.insecure() && !clientCert ? PemTls.trustAll()
                            : PemTls.trustManager("ctl.cacert", settings.cacert()), settings.certfile(),
                            settings.keyfile(), settings.keyfilePassword()));
                } catch (IllegalArgumentException e) {
                    throw new Unreachable("the REST API client's " + e.getMessage()
                            + " (ctl.cacert/certfile/keyfile or restapi.cafile/certfile/keyfile)");
                }
            }
            client = b.build();
        }
        return client;
    }
}
