package io.patronijvm.restapi;

import javax.crypto.Cipher;
import javax.crypto.EncryptedPrivateKeyInfo;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
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
import java.security.spec.KeySpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Patroni takes PEM files ({@code certfile}, {@code keyfile}, {@code cafile}); Jetty wants a
 * KeyStore. Builds PKCS12 stores in memory. Keys: PKCS#8 ({@code PRIVATE KEY}), encrypted PKCS#8
 * ({@code ENCRYPTED PRIVATE KEY}, with {@code keyfile_password}) and PKCS#1 RSA. Errors name the file.
 */
public final class PemKeyStore {

    public static final char[] STORE_PASSWORD = "patroni-jvm".toCharArray();
    private static final Pattern BLOCK =
            Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----([^-]+)-----END \\1-----");

    private PemKeyStore() {
    }

    record Block(String type, byte[] der) {
    }

    static List<Block> blocks(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.US_ASCII);
        List<Block> out = new ArrayList<>();
        Matcher m = BLOCK.matcher(text);
        while (m.find()) {
            out.add(new Block(m.group(1), Base64.getMimeDecoder().decode(m.group(2))));
        }
        return out;
    }

    /** Certificate chain from certfile, key from keyfile (or from certfile when keyfile is null). */
    public static KeyStore keyStore(String certfile, String keyfile, String password) {
        try {
            List<Certificate> chain = certificates(Path.of(certfile));
            if (chain.isEmpty()) {
                throw new IllegalArgumentException("restapi.certfile " + certfile + ": no CERTIFICATE block found");
            }
            String keySource = keyfile == null || keyfile.isBlank() ? certfile : keyfile;
            PrivateKey key = privateKey(Path.of(keySource), password);
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setKeyEntry("restapi", key, STORE_PASSWORD, chain.toArray(new Certificate[0]));
            return ks;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("restapi TLS: cannot load certfile " + certfile + " / keyfile "
                    + keyfile + ": " + e.getMessage(), e);
        }
    }

    /** Trust store of every certificate in cafile (client certificate verification). */
    public static KeyStore trustStore(String cafile) {
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            int i = 0;
            for (Certificate c : certificates(Path.of(cafile))) {
                ks.setCertificateEntry("ca" + i++, c);
            }
            if (i == 0) {
                throw new IllegalArgumentException("restapi.cafile " + cafile + ": no CERTIFICATE block found");
            }
            return ks;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("restapi.cafile " + cafile + ": " + e.getMessage(), e);
        }
    }

    private static List<Certificate> certificates(Path file) throws IOException, GeneralSecurityException {
        CertificateFactory cf = CertificateFactory.getInstance("X.509");
        List<Certificate> out = new ArrayList<>();
        for (Block b : blocks(file)) {
            if (b.type().equals("CERTIFICATE")) {
                out.add(cf.generateCertificate(new ByteArrayInputStream(b.der())));
            }
        }
        return out;
    }

    private static PrivateKey privateKey(Path file, String password) throws IOException, GeneralSecurityException {
        for (Block b : blocks(file)) {
            switch (b.type()) {
                case "PRIVATE KEY" -> {
                    return decode(new PKCS8EncodedKeySpec(b.der()));
                }
                case "ENCRYPTED PRIVATE KEY" -> {
                    if (password == null) {
                        throw new IllegalArgumentException(file + ": key is encrypted but restapi.keyfile_password is not set");
                    }
                    return decode(decrypt(b.der(), password));
                }
                case "RSA PRIVATE KEY" -> {
                    return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(pkcs1ToPkcs8(b.der())));
                }
                default -> {
                    // Certificates and parameters blocks share the file; keep looking.
                }
            }
        }
        throw new IllegalArgumentException(file + ": no PRIVATE KEY, ENCRYPTED PRIVATE KEY or RSA PRIVATE KEY block");
    }

    private static KeySpec decrypt(byte[] der, String password) throws IOException, GeneralSecurityException {
        EncryptedPrivateKeyInfo info = new EncryptedPrivateKeyInfo(der);
        String alg = info.getAlgParameters() != null ? info.getAlgParameters().toString() : info.getAlgName();
        SecretKeyFactory skf = SecretKeyFactory.getInstance(alg);
        Cipher cipher = Cipher.getInstance(alg);
        cipher.init(Cipher.DECRYPT_MODE, skf.generateSecret(new PBEKeySpec(password.toCharArray())),
                info.getAlgParameters());
        return info.getKeySpec(cipher);
    }

    private static PrivateKey decode(KeySpec spec) throws GeneralSecurityException {
        GeneralSecurityException last = null;
        for (String alg : List.of("RSA", "EC", "Ed25519", "Ed448", "RSASSA-PSS")) {
            try {
                return KeyFactory.getInstance(alg).generatePrivate(spec);
            } catch (GeneralSecurityException e) {
                last = e;
            }
        }
        throw last;
    }

    /** Wraps a PKCS#1 RSAPrivateKey in a PKCS#8 PrivateKeyInfo (fixed DER prefix for rsaEncryption). */
    private static byte[] pkcs1ToPkcs8(byte[] pkcs1) {
        byte[] algId = {0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01,
                0x01, 0x05, 0x00};
        byte[] version = {0x02, 0x01, 0x00};
        byte[] octet = concat(new byte[] {0x04}, derLength(pkcs1.length), pkcs1);
        byte[] body = concat(version, algId, octet);
        return concat(new byte[] {0x30}, derLength(body.length), body);
    }

    private static byte[] derLength(int len) {
        if (len < 0x80) {
            return new byte[] {(byte) len};
        }
        if (len < 0x100) {
            return new byte[] {(byte) 0x81, (byte) len};
        }
        if (len < 0x10000) {
            return new byte[] {(byte) 0x82, (byte) (len >> 8), (byte) len};
        }
        return new byte[] {(byte) 0x83, (byte) (len >> 16), (byte) (len >> 8), (byte) len};
    }

    private static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }
}
