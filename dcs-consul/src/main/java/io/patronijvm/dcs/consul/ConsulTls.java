package io.patronijvm.dcs.consul;

import io.patronijvm.core.config.ConsulConfig;
import io.patronijvm.pem.PemTls;

import javax.net.ssl.SSLContext;
import javax.net.ssl.X509TrustManager;

/**
 * TLS for the Consul client from Patroni's settings: {@code cacert} (PEM CA bundle),
 * {@code cert} + {@code key} (PEM client certificate; the key may sit inside {@code cert}),
 * {@code verify: false} (trust anything, as Python's {@code verify=False}). The PEM work is the
 * shared {@code pem} module's.
 */
final class ConsulTls {

    /** The SSL context, its trust manager, and whether host names are checked. */
    record Setup(SSLContext context, X509TrustManager trustManager, boolean verifyHostname) {
    }

    private ConsulTls() {
    }

    static Setup build(ConsulConfig cfg) {
        X509TrustManager trust = cfg.verify() ? PemTls.trustManager("consul.cacert", cfg.cacert()) : PemTls.trustAll();
        return new Setup(PemTls.clientContext("consul", trust, cfg.cert(), cfg.key()), trust, cfg.verify());
    }
}
