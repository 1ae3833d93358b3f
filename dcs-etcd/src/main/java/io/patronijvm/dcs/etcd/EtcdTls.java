package io.patronijvm.dcs.etcd;

import io.patronijvm.core.config.Etcd3Config;
import io.patronijvm.pem.PemTls;

import javax.net.ssl.SSLContext;
import javax.net.ssl.X509TrustManager;

/**
 * TLS for the etcd client from Patroni's {@code etcd3:} settings: {@code cacert} (PEM CA bundle;
 * without it the JDK's trust store), {@code cert} + {@code key} (PEM client certificate; the key
 * may sit inside {@code cert}). The PEM work is the shared {@code pem} module's.
 */
final class EtcdTls {

    /** The SSL context, its trust manager, and whether host names are checked. */
    record Setup(SSLContext context, X509TrustManager trustManager, boolean verifyHostname) {
    }

    private EtcdTls() {
    }

    static Setup build(Etcd3Config cfg) {
        X509TrustManager trust = PemTls.trustManager("etcd3.cacert", cfg.cacert());
        return new Setup(PemTls.clientContext("etcd3", trust, cfg.cert(), cfg.key()), trust, true);
    }
}
