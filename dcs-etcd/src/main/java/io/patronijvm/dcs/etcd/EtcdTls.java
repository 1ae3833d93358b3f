package io.patronijvm.dcs.etcd;

import io.patronijvm.core.config.Etcd3Config;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * TLS for the etcd client from Patroni's {@code etcd3:} settings: {@code cacert} (PEM CA bundle;
 * without it the JDK's trust store), {@code cert} + {@code key} (PEM client certificate; the key
 * may sit inside {@code cert}). A copy of dcs-consul's loader: adapters may not depend on each
 * other, and core does no I/O.
 */
final class EtcdTls {

    private static final Pattern PEM = Pattern.compile(
            "-----BEGIN ([A-Z ]+)-----\\s*([A-Za-z0-9+/=\\s]+?)-----END \\1-----");

    /** The SSL context and the trust manager OkHttp needs alongside it. */
    record Setup(SSLContext context, X509TrustManager trustManager, boolean verifyHostname) {
    }

    private EtcdTls() {
    }

    static Setup build(Etcd3Config cfg) {
        try {
            X509TrustManager trust = trustManager(cfg.cacert());
            KeyManagerFactory kmf = null;
            if (cfg.cert() != null && !cfg.cert().isBlank()) {
                kmf = keyManagers(cfg.cert(), cfg.key() == null || cfg.key().isBlank() ? cfg.cert() : cfg.key());
            }
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf == null ? null : kmf.getKeyManagers(), new TrustManager[] {trust}, null);
            return new Setup(ctx, trust, true);
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalArgumentException("etcd3 TLS settings (cacert=" + cfg.cacert() + ", cert=" + cfg.cert()
                    + ", key=" + cfg.key() + ") are unusable: " + e.getMessage(), e);
        }
    }

    private static X509TrustManager trustManager(String cacert) throws GeneralSecurityException, IOException {
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        if (cacert == null || cacert.isBlank()) {
            tmf.init((KeyStore) null);
        } else {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            int i = 0;
            for (Certificate c : certificates(cacert)) {
                ks.setCertificateEntry("ca" + i++, c);
            }
            if (i == 0) {
                throw new IllegalArgumentException("etcd3.cacert " + cacert + " holds no PEM certificate");
            }
            tmf.init(ks);
        }
        for (TrustManager tm : tmf.getTrustManagers()) {
            if (tm instanceof X509TrustManager x) {
                return x;
            }
        }
        throw new GeneralSecurityException("no X509 trust manager available");
    }

    private static KeyManagerFactory keyManagers(String certFile, String keyFile)
            throws GeneralSecurityException, IOException {
        List<Certificate> chain = certificates(certFile);
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("etcd3.cert " + certFile + " holds no PEM certificate");
        }
        PrivateKey key = privateKey(keyFile);
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        char[] pw = new char[0];
        ks.setKeyEntry("client", key, pw, chain.toArray(new Certificate[0]));
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, pw);
        return kmf;
    }

    private static List<Certificate> certificates(String file) throws GeneralSecurityException, IOException {
        CertificateFactory cf = CertificateFactory.getInstance("X.509");
        List<Certificate> out = new ArrayList<>();
        Matcher m = PEM.matcher(Files.readString(Path.of(file), StandardCharsets.US_ASCII));
        while (m.find()) {
            if (m.group(1).equals("CERTIFICATE")) {
                out.add(cf.generateCertificate(new ByteArrayInputStream(decode(m.group(2)))));
            }
        }
        return out;
    }

    private static PrivateKey privateKey(String file) throws GeneralSecurityException, IOException {
        Matcher m = PEM.matcher(Files.readString(Path.of(file), StandardCharsets.US_ASCII));
        while (m.find()) {
            byte[] der = decode(m.group(2));
            switch (m.group(1)) {
                case "PRIVATE KEY" -> {
                    return pkcs8(der);
                }
                case "RSA PRIVATE KEY" -> {
                    return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(wrapPkcs1(der)));
                }
                case "EC PRIVATE KEY", "ENCRYPTED PRIVATE KEY" -> throw new IllegalArgumentException("etcd3.key "
                        + file + ": " + m.group(1) + " is not supported; convert it with "
                        + "'openssl pkcs8 -topk8 -nocrypt' to an unencrypted PKCS#8 'PRIVATE KEY'");
                default -> {
                    // certificates and other blocks in the same file
                }
            }
        }
        throw new IllegalArgumentException("etcd3.key " + file + " holds no PEM private key");
    }

    private static PrivateKey pkcs8(byte[] der) throws GeneralSecurityException {
        GeneralSecurityException last = null;
        for (String alg : List.of("RSA", "EC", "Ed25519")) {
            try {
                return KeyFactory.getInstance(alg).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException e) {
                last = e;
            }
        }
        throw last;
    }

    /** PKCS#1 RSAPrivateKey inside a PKCS#8 PrivateKeyInfo, so the JDK's KeyFactory takes it. */
    private static byte[] wrapPkcs1(byte[] pkcs1) {
        byte[] algId = {0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01,
                0x01, 0x05, 0x00};
        byte[] version = {0x02, 0x01, 0x00};
        byte[] octet = der(0x04, pkcs1);
        byte[] body = new byte[version.length + algId.length + octet.length];
        System.arraycopy(version, 0, body, 0, version.length);
        System.arraycopy(algId, 0, body, version.length, algId.length);
        System.arraycopy(octet, 0, body, version.length + algId.length, octet.length);
        return der(0x30, body);
    }

    private static byte[] der(int tag, byte[] content) {
        int len = content.length;
        byte[] lenBytes = len < 0x80 ? new byte[] {(byte) len}
                : len < 0x100 ? new byte[] {(byte) 0x81, (byte) len}
                : len < 0x10000 ? new byte[] {(byte) 0x82, (byte) (len >> 8), (byte) len}
                : new byte[] {(byte) 0x83, (byte) (len >> 16), (byte) (len >> 8), (byte) len};
        byte[] out = new byte[1 + lenBytes.length + len];
        out[0] = (byte) tag;
        System.arraycopy(lenBytes, 0, out, 1, lenBytes.length);
        System.arraycopy(content, 0, out, 1 + lenBytes.length, len);
        return out;
    }

    private static byte[] decode(String base64) {
        return Base64.getMimeDecoder().decode(base64);
    }
}
