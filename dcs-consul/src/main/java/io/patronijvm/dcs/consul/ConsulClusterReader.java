package io.patronijvm.dcs.consul;

import io.patronijvm.core.config.ConsulConfig;
import io.patronijvm.core.dcs.DcsUnavailableException;
import io.patronijvm.core.dcs.wire.ClusterViewAssembler;
import io.patronijvm.core.model.ClusterView;
import io.patronijvm.core.time.Deadline;
import io.patronijvm.core.time.MonotonicClock;
import io.patronijvm.core.time.Sleeper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.HttpsURLConnection;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One read of a cluster's keys for a short-lived reader ({@code ctl list}): the JDK's
 * {@link HttpURLConnection} and the streaming JSON parser instead of {@link ConsulDcs}'s
 * databind, which cost a command line most of its start-up. Same request as {@link ConsulDcs#loadCluster()} (token,
 * {@code dc}, {@code consistency}, TLS settings), retried on 5xx and I/O errors inside the budget.
 */
public final class ConsulClusterReader {

    private static final Logger LOG = LoggerFactory.getLogger(ConsulClusterReader.class);

    private ConsulClusterReader() {
    }

    public static ClusterView read(ConsulConfig cfg, String namespace, String scope, MonotonicClock clock,
                                   Sleeper sleeper, Duration budget) throws DcsUnavailableException {
        String prefix = ConsulDcs.keyPrefix(namespace, scope);
        URI uri = uri(cfg, prefix);
        Deadline deadline = Deadline.after(clock, budget);
        Backoff backoff = Backoff.initial();
        String last = "no attempt made";
        while (!deadline.expired()) {
            try {
                ConsulResponse r = once(cfg, uri, deadline.remaining());
                if (r.code() == 404) {
                    return new ClusterView(null, null, null, List.of(), null, null, List.of(), 0, null, null,
                            Math.max(0, r.index()));
                }
                if (r.code() == 403) {
                    throw new DcsUnavailableException("Consul refused " + uri.getRawPath() + ": permission denied (HTTP"
                            + " 403 '" + r.body().strip() + "'); check consul.token and its ACL policy");
                }
                if (r.ok()) {
                    return ClusterViewAssembler.assemble(ConsulKv.parse(r.body(), prefix), Math.max(0, r.index()),
                            w -> LOG.warn("{}{}", prefix, w.startsWith("ignoring") ? ": " + w : w));
                }
                if (r.code() < 500) {
                    throw new DcsUnavailableException("Consul read of " + prefix + " answered HTTP " + r.code() + ": "
                            + r.body().strip());
                }
                last = "HTTP " + r.code() + ": " + r.body().strip();
            } catch (IOException | IllegalArgumentException e) {
                last = e.getClass().getSimpleName() + ": " + e.getMessage();
            }
            Duration delay = backoff.delay(() -> ThreadLocalRandom.current().nextDouble());
            backoff = backoff.next();
            if (deadline.remaining().compareTo(delay) <= 0) {
                break;
            }
            try {
                sleeper.sleep(delay);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new DcsUnavailableException("interrupted while reading " + prefix, e);
            }
        }
        throw new DcsUnavailableException("Consul GET " + uri.getRawPath() + " gave no usable answer within "
                + budget.toSeconds() + " s; last error: " + last);
    }

    private static URI uri(ConsulConfig cfg, String prefix) {
        StringBuilder query = new StringBuilder("recurse=1");
        if ("consistent".equals(cfg.consistency()) || "stale".equals(cfg.consistency())) {
            query.append('&').append(cfg.consistency());
        }
        if (cfg.dc() != null && !cfg.dc().isBlank()) {
            query.append("&dc=").append(cfg.dc());
        }
        try {
            URI base = new URI(cfg.baseUrl());
            return new URI(base.getScheme(), null, base.getHost(), base.getPort(), "/v1/kv/" + prefix,
                    query.toString(), null);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("Consul address " + cfg.baseUrl() + " is not a URL: " + e.getMessage(), e);
        }
    }

    private static ConsulResponse once(ConsulConfig cfg, URI uri, Duration budget) throws IOException {
        HttpURLConnection c = (HttpURLConnection) uri.toURL().openConnection();
        try {
            int timeout = (int) Math.max(100, Math.min(Integer.MAX_VALUE, budget.toMillis()));
            c.setConnectTimeout(timeout);
            c.setReadTimeout(timeout);
            c.setUseCaches(false);
            if (c instanceof HttpsURLConnection s) {
                ConsulTls.Setup tls = ConsulTls.build(cfg);
                s.setSSLSocketFactory(tls.context().getSocketFactory());
                if (!tls.verifyHostname()) {
                    s.setHostnameVerifier((host, session) -> true);
                }
            }
            if (cfg.token() != null && !cfg.token().isBlank()) {
                c.setRequestProperty("X-Consul-Token", cfg.token());
            }
            int code = c.getResponseCode();
            InputStream in = code >= 400 ? c.getErrorStream() : c.getInputStream();
            String body = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
            if (in != null) {
                in.close();
            }
            return new ConsulResponse(code, body, index(c.getHeaderField("X-Consul-Index")));
        } finally {
            c.disconnect();
        }
    }

    private static long index(String header) {
        if (header == null) {
            return -1;
        }
        try {
            return Long.parseLong(header.strip());
        } catch (NumberFormatException e) {
            LOG.warn("Consul sent a non-numeric X-Consul-Index '{}'", header);
            return -1;
        }
    }
}
