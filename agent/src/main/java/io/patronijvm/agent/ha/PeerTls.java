package io.patronijvm.agent.ha;

import io.patronijvm.pem.PemTls;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.Map;

/**
 * TLS for the agent's own calls to other members' REST APIs, as Patroni's HA requests make them:
 * the client certificate, key and CA come from {@code ctl.*} or else {@code restapi.*}
 * ({@code certfile}, {@code keyfile}, {@code keyfile_password}, {@code cacert}/{@code cafile}).
 * With a client certificate the server's chain is checked against the CA but not its host name
 * (Patroni: CERT_REQUIRED, assert_hostname off); without one nothing is checked (Patroni: insecure).
 */
public final class PeerTls {

    private PeerTls() {
    }

    /**
     * {@link #context} for {@code effective}: made now when a client certificate is configured (so
     * an unreadable file fails the start), else on first use, since a plain-http cluster may never
     * need it and making one loads TLS.
     */
    public static java.util.function.Supplier<Setup> onDemand(Map<String, Object> effective) {
        if (value(effective, "certfile", "certfile") != null) {
            Setup ssl = setup(effective);
            return () -> ssl;
        }
        return () -> setup(effective);
    }

    /** A client context and the trust manager inside it. */
    public record Setup(SSLContext context, X509TrustManager trustManager) {
    }

    /** The context for {@code effective} with its trust manager. */
    public static Setup setup(Map<String, Object> effective) {
        X509TrustManager[] trust = new X509TrustManager[1];
        SSLContext ssl = context(effective, trust);
        return new Setup(ssl, trust[0]);
    }

    /** The context for {@code effective} (the loaded configuration), or null for the JDK's default. */
    public static SSLContext context(Map<String, Object> effective) {
        return context(effective, new X509TrustManager[1]);
    }

    private static SSLContext context(Map<String, Object> effective, X509TrustManager[] trustOut) {
        String cert = value(effective, "certfile", "certfile");
        String key = value(effective, "keyfile", "keyfile");
        String password = value(effective, "keyfile_password", "keyfile_password");
        String ca = value(effective, "cacert", "cafile");
        try {
            SSLContext ssl = SSLContext.getInstance("TLS");
            if (cert == null) {
                trustOut[0] = new Unchecked(null);
                ssl.init(null, new TrustManager[] {trustOut[0]}, null);
                return ssl;
            }
            KeyStore keys = PemTls.keyStore("ctl", cert, key, password);
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keys, PemTls.STORE_PASSWORD);
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ca == null ? null : PemTls.trustStore("ctl.cacert", ca));
            X509TrustManager chain = null;
            for (TrustManager tm : tmf.getTrustManagers()) {
                if (tm instanceof X509TrustManager x) {
                    chain = x;
                }
            }
            trustOut[0] = new Unchecked(chain);
            ssl.init(kmf.getKeyManagers(), new TrustManager[] {trustOut[0]}, null);
            return ssl;
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("TLS for calls to other members: " + e.getMessage(), e);
        }
    }

    private static String value(Map<String, Object> effective, String ctlKey, String restapiKey) {
        for (Object[] source : new Object[][] {{"ctl", ctlKey}, {"restapi", restapiKey}}) {
            if (effective.get(source[0]) instanceof Map<?, ?> m && m.get(source[1]) != null
                    && !String.valueOf(m.get(source[1])).isBlank()) {
                return String.valueOf(m.get(source[1]));
            }
        }
        return null;
    }

    /**
     * Checks the chain with {@code chain} (or not at all when null) and never the host name: the
     * engine and socket variants are where JSSE would add the endpoint identification.
     */
    private static final class Unchecked extends X509ExtendedTrustManager {
        private final X509TrustManager chain;

        Unchecked(X509TrustManager chain) {
            this.chain = chain;
        }

        @Override
        public void checkServerTrusted(X509Certificate[] certs, String authType) throws java.security.cert.CertificateException {
            if (chain != null) {
                chain.checkServerTrusted(certs, authType);
            }
        }

        @Override
        public void checkServerTrusted(X509Certificate[] certs, String authType, Socket socket)
                throws java.security.cert.CertificateException {
            checkServerTrusted(certs, authType);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] certs, String authType, SSLEngine engine)
                throws java.security.cert.CertificateException {
            checkServerTrusted(certs, authType);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] certs, String authType) throws java.security.cert.CertificateException {
            throw new java.security.cert.CertificateException("a client context does not check clients");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] certs, String authType, Socket socket)
                throws java.security.cert.CertificateException {
            checkClientTrusted(certs, authType);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] certs, String authType, SSLEngine engine)
                throws java.security.cert.CertificateException {
            checkClientTrusted(certs, authType);
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return chain == null ? new X509Certificate[0] : chain.getAcceptedIssuers();
        }
    }
}
