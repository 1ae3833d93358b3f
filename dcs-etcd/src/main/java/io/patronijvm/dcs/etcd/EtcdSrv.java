package io.patronijvm.dcs.etcd;

import io.patronijvm.core.dcs.wire.JsonView;
import io.patronijvm.core.config.Etcd3Config;
import io.patronijvm.pem.PemTls;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.naming.NamingException;
import javax.naming.directory.Attribute;
import javax.naming.directory.InitialDirContext;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * {@code etcd3.srv}: the client endpoints from DNS SRV records, in Patroni 3.0.2's order
 * ({@code _get_machines_cache_from_srv}): {@code _etcd-client-ssl._tcp.<srv>} (https),
 * {@code _etcd-client}, {@code _etcd-ssl}, {@code _etcd}, and as the last resort the peer records
 * {@code _etcd-server-ssl} and {@code _etcd-server}, whose targets are asked for
 * {@code GET /members} on the peer port (certificate not verified, as Patroni) and give every
 * member's {@code clientURLs}; each name with {@code -<srv_suffix>} when set. The first kind that
 * yields an endpoint wins. Falls back to the configured hosts when DNS has no answer.
 */
final class EtcdSrv {

    private static final Logger LOG = LoggerFactory.getLogger(EtcdSrv.class);
    private static final List<String> KINDS = List.of("-client-ssl", "-client", "-ssl", "", "-server-ssl", "-server");
    private static final Duration PEER_TIMEOUT = Duration.ofSeconds(5);

    private EtcdSrv() {
    }

    static List<String> endpoints(Etcd3Config cfg) {
        return endpoints(cfg, null);
    }

    /** {@code dnsServer}: {@code dns://host:port} to ask instead of the system's resolvers, or null. */
    static List<String> endpoints(Etcd3Config cfg, String dnsServer) {
        if (cfg.srv() == null || cfg.srv().isBlank()) {
            return cfg.endpoints();
        }
        for (String kind : KINDS) {
            String label = cfg.srvSuffix() == null || cfg.srvSuffix().isBlank() ? kind : kind + "-" + cfg.srvSuffix();
            String protocol = kind.contains("-ssl") ? "https" : "http";
            List<String> found = lookup("_etcd" + label + "._tcp." + cfg.srv(), protocol, dnsServer);
            if (kind.startsWith("-server")) {
                found = clientUrlsOfFirstAnswering(found);
            }
            if (!found.isEmpty()) {
                return found;
            }
        }
        LOG.warn("no SRV record for etcd under {}; using the configured hosts {}", cfg.srv(), cfg.endpoints());
        return cfg.endpoints();
    }

    /**
     * The peer targets' {@code GET /members} (etcd's peer API): every member's client URLs from the
     * first target that answers below 400, in the members' order, without duplicates.
     */
    private static List<String> clientUrlsOfFirstAnswering(List<String> peers) {
        for (String peer : peers) {
            String url = peer + "/members";
            try {
                HttpResponse<String> r = peerClient(peer).send(HttpRequest
                        .newBuilder(URI.create(url)).timeout(PEER_TIMEOUT).GET().build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() >= 400) {
                    LOG.warn("GET {} answered HTTP {}", url, r.statusCode());
                    continue;
                }
                LinkedHashSet<String> urls = new LinkedHashSet<>();
                for (JsonView m : EtcdJson.tree(r.body())) {
                    m.path("clientURLs").forEach(u -> urls.add(u.asText("")));
                }
                return List.copyOf(urls);
            } catch (IOException | IllegalArgumentException e) {
                LOG.warn("GET {} failed: {}", url, e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return List.of();
            }
        }
        return List.of();
    }

    private static HttpClient peerClient(String peer) {
        HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(PEER_TIMEOUT)
                .version(HttpClient.Version.HTTP_1_1);
        if (peer.startsWith("https:")) {
            // Patroni asks the peers with verify=False: the records, not the certificate, name them.
            try {
                SSLContext ctx = SSLContext.getInstance("TLS");
                ctx.init(null, new TrustManager[] {PemTls.trustAll()}, null);
                b.sslContext(ctx);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("no TLS context for " + peer, e);
            }
        }
        return b.build();
    }

    private static List<String> lookup(String name, String protocol, String dnsServer) {
        Hashtable<String, String> env = new Hashtable<>();
        if (dnsServer != null) {
            env.put("java.naming.provider.url", dnsServer);
        }
        env.put("java.naming.factory.initial", "com.sun.jndi.dns.DnsContextFactory");
        env.put("com.sun.jndi.dns.timeout.initial", "1000");
        env.put("com.sun.jndi.dns.timeout.retries", "1");
        List<String> out = new ArrayList<>();
        try {
            InitialDirContext ctx = new InitialDirContext(env);
            try {
                Attribute srv = ctx.getAttributes(name, new String[] {"SRV"}).get("SRV");
                for (int i = 0; srv != null && i < srv.size(); i++) {
                    // "priority weight port target."
                    String[] f = srv.get(i).toString().trim().split("\\s+");
                    if (f.length == 4) {
                        String host = f[3].endsWith(".") ? f[3].substring(0, f[3].length() - 1) : f[3];
                        out.add(protocol + "://" + host + ":" + f[2]);
                    }
                }
            } finally {
                ctx.close();
            }
        } catch (NamingException e) {
            LOG.debug("SRV lookup of {} failed: {}", name, e.getMessage());
        }
        return out;
    }
}
