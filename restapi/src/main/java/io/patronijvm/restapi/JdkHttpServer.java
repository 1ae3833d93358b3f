package io.patronijvm.restapi;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsExchange;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import io.patronijvm.core.config.RestApiConfig;
import io.patronijvm.pem.PemTls;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.channels.UnresolvedAddressException;
import java.security.GeneralSecurityException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The REST API on the JDK's own HTTP server ({@code com.sun.net.httpserver}): about a tenth of
 * the classes Javalin and Jetty load, and no start-up of its own to speak of. One context for
 * every path; {@link RestExchange} carries each request to the router and the reply back.
 *
 * <p>Each request runs on its own virtual thread, at most {@link RestApiOptions#maxRequests()}
 * at once (beyond that the connection is closed unanswered). The JDK reads request heads with
 * blocking reads on the handling thread, so a pool of platform threads would let a few clients
 * that send half a request hold every thread until the request time limit; a parked virtual
 * thread costs a few hundred bytes, and CPU use is still bounded by the carrier pool (one per core).
 */
final class JdkHttpServer {

    private static final Logger LOG = LoggerFactory.getLogger(JdkHttpServer.class);

    private static final DateTimeFormatter DATE_HEADER =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss zzz", Locale.US).withZone(ZoneId.of("GMT"));

    /** Handles one request; the reply is written when it returns. */
    interface Handler {
        void handle(RestExchange exchange);
    }

    private final HttpServer server;
    private final ExecutorService threads;
    private final RestApiConfig config;

    private JdkHttpServer(HttpServer server, ExecutorService threads, RestApiConfig config) {
        this.server = server;
        this.threads = threads;
        this.config = config;
    }

    /**
     * The server with its context and executor, not bound yet: the agent builds it while it waits
     * for the DCS, so that {@link #bind} is all that is left on the way to the first answer.
     * Creating the JDK's server (its selector, timers and classes) and its first reply's
     * {@code Date} header (the formatter's locale data, ~50 ms on first use) cost ~100 ms
     * together, which a start would otherwise pay between binding and answering.
     */
    static JdkHttpServer prepare(RestApiConfig config, RestApiOptions options, Handler handler) {
        ServerLimits.applyDefaults();
        HttpServer server;
        try {
            server = config.tls() ? HttpsServer.create() : HttpServer.create();
        } catch (IOException e) {
            throw new UncheckedIOException("restapi: cannot create the HTTP server: " + e, e);
        }
        ExecutorService threads = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("restapi-", 0).factory());
        server.setExecutor(new BoundedExecutor(threads, options.maxRequests()));
        boolean tls = config.tls();
        server.createContext("/", exchange -> serve(exchange, tls, handler));
        // The pattern and locale of the JDK server's Date header: its data is cached per locale.
        DATE_HEADER.format(Instant.now());
        return new JdkHttpServer(server, threads, config);
    }

    /** Binds the prepared server and starts serving; throws when the address cannot be bound or TLS files are bad. */
    void bind() {
        InetSocketAddress address = address(config);
        // Patroni's queue of 5 suits one accept thread; ours accepts while requests run, allow a burst.
        int backlog = Math.max(config.requestQueueSize(), 64);
        if (server instanceof HttpsServer https) {
            https.setHttpsConfigurator(configurator(config));
        }
        try {
            server.bind(address, backlog);
        } catch (IOException | UnresolvedAddressException e) {
            throw new UncheckedIOException("restapi.listen " + config.listenHost() + ":" + config.listenPort()
                    + ": cannot bind: " + e, e instanceof IOException io ? io : new IOException(e));
        }
        server.start();
    }

    int port() {
        return server.getAddress().getPort();
    }

    /** Closes the listening socket and every connection at once; running handlers are interrupted. */
    void stop() {
        server.stop(0);
        threads.shutdownNow();
    }

    private static InetSocketAddress address(RestApiConfig config) {
        String host = config.listenHost();
        if (host == null || host.isBlank() || host.equals("*")) {
            // The wildcard: every interface, IPv4 and IPv6.
            return new InetSocketAddress(config.listenPort());
        }
        return new InetSocketAddress(host, config.listenPort());
    }

    private static void serve(HttpExchange exchange, boolean tls, Handler handler) throws IOException {
        try (exchange) {
            URI uri = exchange.getRequestURI();
            Headers headers = exchange.getRequestHeaders();
            RestExchange call = new RestExchange(exchange.getRequestMethod(), uri.getRawPath(), uri.getRawQuery(),
                    headers::getFirst, exchange.getRemoteAddress().getAddress().getHostAddress(),
                    () -> tls ? clientChain(exchange) : null, exchange.getRequestBody());
            handler.handle(call);
            write(exchange, call);
        } catch (IOException e) {
            // The client went away mid-reply; nothing is left to tell it.
            LOG.debug("REST API: {} {}: reply not delivered: {}", exchange.getRequestMethod(),
                    exchange.getRequestURI().getRawPath(), e.toString());
        }
    }

    private static void write(HttpExchange exchange, RestExchange call) throws IOException {
        Headers out = exchange.getResponseHeaders();
        for (Map.Entry<String, String> h : call.replyHeaders().entrySet()) {
            out.set(h.getKey(), h.getValue());
        }
        if (call.contentType() != null) {
            out.set("Content-Type", call.contentType());
        }
        byte[] body = call.replyBody();
        if (exchange.getRequestMethod().equals("HEAD")) {
            // The JDK sends no body on HEAD and leaves the length to us: say what a GET would carry.
            out.set("Content-Length", Integer.toString(body.length));
            exchange.sendResponseHeaders(call.status(), -1);
            return;
        }
        // -1: no body and "Content-Length: 0" (0 would mean chunked).
        exchange.sendResponseHeaders(call.status(), body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream os = exchange.getResponseBody()) {
                os.write(body);
            }
        }
    }

    private static X509Certificate[] clientChain(HttpExchange exchange) {
        if (!(exchange instanceof HttpsExchange https)) {
            return null;
        }
        try {
            Certificate[] chain = https.getSSLSession().getPeerCertificates();
            X509Certificate[] x509 = new X509Certificate[chain.length];
            for (int i = 0; i < chain.length; i++) {
                x509[i] = (X509Certificate) chain[i];
            }
            return x509;
        } catch (SSLPeerUnverifiedException e) {
            return null; // no certificate sent (verify_client optional)
        }
    }

    private static HttpsConfigurator configurator(RestApiConfig config) {
        String verify = config.verifyClient() == null ? "none" : config.verifyClient();
        if (!verify.equals("none") && !verify.equals("optional") && !verify.equals("required")) {
            throw new IllegalArgumentException(
                    "restapi.verify_client must be none, optional or required, got '" + verify + "'");
        }
        SSLContext ssl = sslContext(config);
        return new HttpsConfigurator(ssl) {
            @Override
            public void configure(HttpsParameters params) {
                SSLParameters p = ssl.getDefaultSSLParameters();
                // Clients address us by IP; Patroni does no SNI or host checks either.
                p.setEndpointIdentificationAlgorithm(null);
                switch (verify) {
                    case "required" -> p.setNeedClientAuth(true);
                    case "optional" -> p.setWantClientAuth(true);
                    default -> p.setNeedClientAuth(false);
                }
                params.setSSLParameters(p);
            }
        };
    }

    static SSLContext sslContext(RestApiConfig config) {
        try {
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(PemTls.keyStore("restapi", config.certfile(), config.keyfile(), config.keyfilePassword()),
                    PemTls.STORE_PASSWORD);
            TrustManagerFactory tmf = null;
            if (config.cafile() != null && !config.cafile().isBlank()) {
                tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                tmf.init(PemTls.trustStore("restapi.cafile", config.cafile()));
            }
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf.getKeyManagers(), tmf == null ? null : tmf.getTrustManagers(), null);
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("restapi TLS: cannot build the server context from certfile "
                    + config.certfile() + ": " + e.getMessage(), e);
        }
    }
}
