package io.patronijvm.restapi;

import io.patronijvm.pem.PemTls;

import io.patronijvm.core.config.RestApiConfig;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.BlockingArrayQueue;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * Jetty pieces for the REST API: a small bounded pool of named threads (a flood of requests
 * queues or is refused instead of starving the HA loop of CPU and memory), and one HTTP or HTTPS
 * connector on the configured address.
 */
final class JettyConnectors {

    private JettyConnectors() {
    }

    static QueuedThreadPool threadPool(RestApiOptions options) {
        QueuedThreadPool pool = new QueuedThreadPool(options.maxThreads(), 2, 60_000, 0,
                new BlockingArrayQueue<>(options.queueCapacity(), 0, options.queueCapacity()), null);
        pool.setName("restapi");
        pool.setDaemon(true);
        return pool;
    }

    static ServerConnector connector(Server server, HttpConfiguration http, RestApiConfig config,
                                     RestApiOptions options) {
        // Patroni never sends a Server version banner worth keeping; do not advertise Jetty's.
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        ServerConnector connector;
        if (config.tls()) {
            HttpConfiguration https = new HttpConfiguration(http);
            SecureRequestCustomizer secure = new SecureRequestCustomizer();
            // Clients address us by IP; Patroni does no SNI checks either.
            secure.setSniHostCheck(false);
            https.addCustomizer(secure);
            connector = new ServerConnector(server, 1, 1, new SslConnectionFactory(sslContext(config), "http/1.1"),
                    new HttpConnectionFactory(https));
        } else {
            connector = new ServerConnector(server, 1, 1, new HttpConnectionFactory(http));
        }
        String host = config.listenHost();
        connector.setHost(host == null || host.isBlank() || host.equals("*") ? null : host);
        connector.setPort(config.listenPort());
        // Patroni's queue of 5 suits one accept thread; ours accepts on a pool, so allow a burst.
        connector.setAcceptQueueSize(Math.max(config.requestQueueSize(), 64));
        connector.setIdleTimeout(options.idleTimeout().toMillis());
        return connector;
    }

    static SslContextFactory.Server sslContext(RestApiConfig config) {
        SslContextFactory.Server ssl = new SslContextFactory.Server();
        ssl.setKeyStore(PemTls.keyStore("restapi", config.certfile(), config.keyfile(), config.keyfilePassword()));
        ssl.setKeyStorePassword(new String(PemTls.STORE_PASSWORD));
        ssl.setKeyManagerPassword(new String(PemTls.STORE_PASSWORD));
        if (config.cafile() != null && !config.cafile().isBlank()) {
            ssl.setTrustStore(PemTls.trustStore("restapi.cafile", config.cafile()));
        }
        String verify = config.verifyClient() == null ? "none" : config.verifyClient();
        switch (verify) {
            case "required" -> ssl.setNeedClientAuth(true);
            case "optional" -> ssl.setWantClientAuth(true);
            case "none" -> {
                // No client certificates requested.
            }
            default -> throw new IllegalArgumentException(
                    "restapi.verify_client must be none, optional or required, got '" + verify + "'");
        }
        ssl.setEndpointIdentificationAlgorithm(null);
        return ssl;
    }
}
