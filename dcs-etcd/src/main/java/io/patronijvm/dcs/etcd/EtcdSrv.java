package io.patronijvm.dcs.etcd;

import io.patronijvm.core.config.Etcd3Config;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.naming.NamingException;
import javax.naming.directory.Attribute;
import javax.naming.directory.InitialDirContext;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;

/**
 * {@code etcd3.srv}: the client endpoints from DNS SRV records, as Patroni looks them up
 * ({@code _etcd-client-ssl._tcp.<srv>} for https, then {@code _etcd-client._tcp}, {@code _etcd-ssl},
 * {@code _etcd}, each with {@code -<srv_suffix>} when set). Patroni's last resort, the peer
 * {@code _etcd-server} records and their {@code /members}, is not done. Falls back to the
 * configured hosts when DNS has no answer.
 */
final class EtcdSrv {

    private static final Logger LOG = LoggerFactory.getLogger(EtcdSrv.class);

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
        for (String kind : List.of("-client-ssl", "-client", "-ssl", "")) {
            String label = cfg.srvSuffix() == null || cfg.srvSuffix().isBlank() ? kind : kind + "-" + cfg.srvSuffix();
            String protocol = kind.contains("-ssl") ? "https" : "http";
            List<String> found = lookup("_etcd" + label + "._tcp." + cfg.srv(), protocol, dnsServer);
            if (!found.isEmpty()) {
                return found;
            }
        }
        LOG.warn("no SRV record for etcd under {}; using the configured hosts {}", cfg.srv(), cfg.endpoints());
        return cfg.endpoints();
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
