package io.patronijvm.dcs.etcd;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * The etcd members a client may talk to, with the one it currently prefers first (Patroni's
 * {@code machines_cache} with its {@code _base_uri}). Starts from the configured endpoints; unless
 * they are proxies, the cluster's own member list replaces them once known, and the configured
 * ones are always kept as a way back when every known member fails. Thread-safe.
 */
final class EtcdEndpoints {

    private final List<String> configured;
    private final boolean useProxies;
    private List<String> known;
    private String preferred;

    EtcdEndpoints(List<String> configured, boolean useProxies) {
        if (configured.isEmpty()) {
            throw new IllegalArgumentException("etcd3: no endpoint to connect to (host, hosts, url, proxy or srv)");
        }
        this.configured = List.copyOf(configured);
        this.useProxies = useProxies;
        this.known = this.configured;
        this.preferred = this.configured.get(0);
    }

    /** Every endpoint to try, the preferred one first, then the other known ones, then the configured ones. */
    synchronized List<String> inOrder() {
        LinkedHashSet<String> out = new LinkedHashSet<>();
        out.add(preferred);
        out.addAll(known);
        out.addAll(configured);
        return new ArrayList<>(out);
    }

    synchronized String preferred() {
        return preferred;
    }

    /** The endpoint that just answered becomes the preferred one. */
    synchronized boolean prefer(String endpoint) {
        boolean changed = !endpoint.equals(preferred);
        preferred = endpoint;
        return changed;
    }

    /** The clientURLs from {@code /cluster/member/list}; ignored for proxies or when empty. */
    synchronized void learned(Collection<String> clientUrls) {
        if (useProxies || clientUrls.isEmpty()) {
            return;
        }
        List<String> next = clientUrls.stream().map(EtcdEndpoints::trimSlash).distinct().sorted().toList();
        known = next;
    }

    boolean useProxies() {
        return useProxies;
    }

    synchronized List<String> known() {
        return known;
    }

    private static String trimSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
