package io.patronijvm.dcs.etcd;

import io.patronijvm.core.dcs.wire.JsonView;
import io.patronijvm.core.time.Deadline;
import io.patronijvm.core.time.MonotonicClock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Our etcd lease, Patroni's {@code _do_refresh_lease}: TTL = {@code ttl} seconds (the whole ttl,
 * not half as for a Consul session, since etcd expires a lease exactly at its TTL), granted on the
 * first write, kept alive with {@code /lease/keepalive}. A keepalive that answers without a TTL
 * means the lease is gone (expired or revoked), together with every key attached to it: that is
 * "lost", a different answer from "request failed" (which throws). Readers never grant a lease.
 * Guarded by the owning {@link EtcdDcs}'s lock.
 */
final class EtcdLease {

    private static final Logger LOG = LoggerFactory.getLogger(EtcdLease.class);

    enum Refresh { KEPT, GRANTED_AFTER_LOSS, GRANTED }

    private final EtcdTransport http;
    private final MonotonicClock clock;
    private long id;
    private long lastRefreshNanos;
    private int ttlSeconds;

    EtcdLease(EtcdTransport http, MonotonicClock clock, int ttlSeconds) {
        this.http = http;
        this.clock = clock;
        this.ttlSeconds = ttlSeconds;
    }

    /** Our lease id, 0 when we hold none. */
    long id() {
        return id;
    }

    int ttlSeconds() {
        return ttlSeconds;
    }

    /** A changed ttl: forget the lease (it expires on the server by itself); the next write grants a new one. */
    boolean applyTtl(int ttl) {
        if (ttl == ttlSeconds) {
            return false;
        }
        ttlSeconds = ttl;
        id = 0;
        return true;
    }

    void forget() {
        id = 0;
    }

    /**
     * Keeps the lease alive when forced or when the last refresh is older than a third of the TTL
     * (so a replica's member key survives a late cycle), granting a new one when we have none or
     * etcd says ours is gone.
     */
    Refresh refresh(boolean force, Deadline d) throws EtcdUnavailableException, EtcdErrorException,
            InterruptedException {
        long started = clock.nanoTime();
        if (id != 0) {
            if (!force && started - lastRefreshNanos < ttlSeconds * 1_000_000_000L / 3) {
                return Refresh.KEPT;
            }
            JsonView r = http.call("/lease/keepalive", EtcdJson.object("ID", Long.toString(id)), d);
            if (EtcdJson.int64(r.path("result"), "TTL") > 0) {
                lastRefreshNanos = started;
                return Refresh.KEPT;
            }
            LOG.warn("our etcd lease {} is gone (keepalive answered no TTL); granting a new one", Long.toHexString(id));
            id = 0;
            grant(d, clock.nanoTime());
            return Refresh.GRANTED_AFTER_LOSS;
        }
        grant(d, started);
        return Refresh.GRANTED;
    }

    private void grant(Deadline d, long started) throws EtcdUnavailableException, EtcdErrorException,
            InterruptedException {
        JsonView r = http.call("/lease/grant", EtcdJson.object("TTL", ttlSeconds), d);
        long granted = EtcdJson.int64(r, "ID");
        if (granted == 0) {
            throw new EtcdUnavailableException("etcd /lease/grant answered without an ID: " + r);
        }
        id = granted;
        lastRefreshNanos = started;
        LOG.info("granted etcd lease {} (ttl {}s, server says {}s)", Long.toHexString(id), ttlSeconds,
                EtcdJson.int64(r, "TTL"));
    }

    /** Revokes the lease (shutdown): every key attached to it is deleted at once. */
    void revoke(Deadline d) throws EtcdUnavailableException, EtcdErrorException, InterruptedException {
        if (id != 0) {
            long old = id;
            id = 0;
            http.call("/lease/revoke", EtcdJson.object("ID", Long.toString(old)), d);
        }
    }
}
