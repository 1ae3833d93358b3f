package io.patronijvm.pem;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * In-memory PKCS12 stores and TLS managers from Patroni's PEM settings, for servers (the REST
 * API's key and trust stores) and clients (an SSL context and its trust manager). Each method takes
 * the setting's name so an unusable file is reported as the operator wrote it
 * ({@code etcd3.cacert /etc/x.pem holds no CERTIFICATE block}).
 */
public final class PemTls {

    /** The password of the in-memory stores; they never reach a disk. */
    public static final char[] STORE_PASSWORD = "patroni-jvm".toCharArray();

    private PemTls() {
    }

    /**
     * The chain of {@code certfile} with the key of {@code keyfile} (of {@code certfile} when
     * {@code keyfile} is blank); {@code password} decrypts the key ({@code <setting>.keyfile_password}).
     *
     * @param setting the settings' prefix in messages ({@code restapi}, {@code ctl}, ...)
     */
    public static KeyStore keyStore(String setting, String certfile, String keyfile, String password) {
        return keyStore(setting, certfile, keyfile, password, setting + ".keyfile_password");
    }

    private static KeyStore keyStore(String setting, String certfile, String keyfile, String password,
                                     String passwordSetting) {
        try {
            List<X509Certificate> chain = Pem.certificates(Path.of(certfile));
            if (chain.isEmpty()) {
                throw new IllegalArgumentException(setting + " certificate " + certfile + ": no CERTIFICATE block found");
            }
            String keySource = keyfile == null || keyfile.isBlank() ? certfile : keyfile;
            PrivateKey key = Pem.privateKey(Path.of(keySource), password, passwordSetting);
            KeyStore ks = emptyStore();
            ks.setKeyEntry("key", key, STORE_PASSWORD, chain.toArray(new Certificate[0]));
            return ks;
        } catch (IOException | GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalArgumentException(setting + " TLS: cannot load certificate " + certfile + " / key "
                    + keyfile + ": " + e.getMessage(), e);
        }
    }

    /** Every certificate of {@code cafile} as a trust anchor. */
    public static KeyStore trustStore(String setting, String cafile) {
        try {
            KeyStore ks = emptyStore();
            int i = 0;
            for (Certificate c : Pem.certificates(Path.of(cafile))) {
                ks.setCertificateEntry("ca" + i++, c);
            }
            if (i == 0) {
                throw new IllegalArgumentException("no CERTIFICATE block found");
            }
            return ks;
        } catch (IOException | GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalArgumentException(setting + " CA file " + cafile + ": " + e.getMessage(), e);
        }
    }

    /** Trusts {@code cafile}'s certificates, or the JDK's trust store when {@code cafile} is blank. */
    public static X509TrustManager trustManager(String setting, String cafile) {
        try {
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(cafile == null || cafile.isBlank() ? null : trustStore(setting, cafile));
            for (TrustManager tm : tmf.getTrustManagers()) {
                if (tm instanceof X509TrustManager x) {
                    return x;
                }
            }
            throw new GeneralSecurityException("no X509 trust manager available");
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(setting + " CA file " + cafile + ": " + e.getMessage(), e);
        }
    }

    /**
     * A client's TLS context: {@code trust} for the server, and the client certificate of
     * {@code certfile}/{@code keyfile} when {@code certfile} is set.
     */
    public static SSLContext clientContext(String setting, X509TrustManager trust, String certfile, String keyfile) {
        return clientContext(setting, trust, certfile, keyfile, null);
    }

    /** {@link #clientContext(String, X509TrustManager, String, String)} with an encrypted key's password. */
    public static SSLContext clientContext(String setting, X509TrustManager trust, String certfile, String keyfile,
                                           String keyPassword) {
        try {
            KeyManagerFactory kmf = null;
            if (certfile != null && !certfile.isBlank()) {
                kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(keyStore(setting, certfile, keyfile, keyPassword, setting + ".keyfile_password"),
                        STORE_PASSWORD);
            }
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf == null ? null : kmf.getKeyManagers(), new TrustManager[] {trust}, null);
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(setting + " TLS: " + e.getMessage(), e);
        }
    }

    /**
     * Accepts any server certificate: only for an operator's explicit choice ({@code verify: false},
     * {@code ctl.insecure}), as Python's {@code verify=False}.
     */
    public static X509TrustManager trustAll() {
        return new TrustAll();
    }

    private static KeyStore emptyStore() throws GeneralSecurityException, IOException {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        return ks;
    }

    /**
     * An extended trust manager, so the JDK does not wrap it with its own host name check: Python's
     * {@code verify=False} / {@code CERT_NONE} checks neither the chain nor the name.
     */
    private static final class TrustAll extends X509ExtendedTrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
            // the operator chose to accept anything
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
            // the operator chose to accept anything
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
            // the operator chose to accept anything
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
            // the operator chose to accept anything
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
            // the operator chose to accept anything
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
            // the operator chose to accept anything
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
