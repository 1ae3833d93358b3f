package io.patronijvm.restapi;

import io.patronijvm.core.status.StatusSnapshot;

import java.io.IOException;

/**
 * {@link PatroniMetrics}, built on the first {@code GET /metrics}: its Prometheus registry and
 * gauges are some 50 classes that a node nobody scrapes never needs, and building them delayed
 * the REST API's first answer at start (issue 17). Every scrape answers as an eager one would.
 */
final class LazyMetrics {

    private final String scope;
    private final String name;
    private volatile PatroniMetrics metrics;

    LazyMetrics(String scope, String name) {
        this.scope = scope;
        this.name = name;
    }

    byte[] scrape(StatusSnapshot snapshot, long nowNanos) throws IOException {
        return metrics().scrape(snapshot, nowNanos);
    }

    /** Whether a scrape built the registry yet. */
    boolean built() {
        return metrics != null;
    }

    private PatroniMetrics metrics() {
        PatroniMetrics m = metrics;
        if (m == null) {
            synchronized (this) {
                m = metrics;
                if (m == null) {
                    m = new PatroniMetrics(scope, name);
                    metrics = m;
                }
            }
        }
        return m;
    }
}
