package io.patronijvm.pem;

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
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.KeySpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Base64;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Patroni's settings name PEM files (libpq's and Python's ssl module's format); the JDK reads
 * DER. This parses the blocks, the certificates and the private keys the project accepts:
 * PKCS#8 ({@code PRIVATE KEY}), encrypted PKCS#8 ({@code ENCRYPTED PRIVATE KEY}, with a password)
 * and PKCS#1 RSA ({@code RSA PRIVATE KEY}). SEC1 {@code EC PRIVATE KEY} is refused with the
 * openssl command that converts it. Errors name the file.
 */
public final class Pem {

    private static final Pattern BLOCK = Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----([^-]+)-----END \\1-----");
    private static final List<String> KEY_TYPES = List.of("PRIVATE KEY", "ENCRYPTED PRIVATE KEY", "RSA PRIVATE KEY");

    /** One {@code -----BEGIN type-----} block, base64 decoded. */
    public record Block(String type, byte[] der) {
    }

    private Pem() {
    }

    public static List<Block> blocks(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.US_ASCII);
        List<Block> out = new ArrayList<>();
        Matcher m = BLOCK.matcher(text);
        while (m.find()) {
            out.add(new Block(m.group(1), Base64.getMimeDecoder().decode(m.group(2))));
        }
        return out;
    }

    /** Every CERTIFICATE block of the file, in order (a chain or a CA bundle); empty when none. */
    public static List<X509Certificate> certificates(Path file) throws IOException, GeneralSecurityException {
        CertificateFactory cf = CertificateFactory.getInstance("X.509");
        List<X509Certificate> out = new ArrayList<>();
        for (Block b : blocks(file)) {
            if (b.type().equals("CERTIFICATE")) {
                out.add((X509Certificate) cf.generateCertificate(new ByteArrayInputStream(b.der())));
            }
        }
        return out;
    }

    /**
     * The first private key of the file (certificates may share it). {@code password} decrypts an
     * encrypted PKCS#8 key; without one such a key is an error naming {@code passwordSetting}, or
     * saying how to decrypt it when {@code passwordSetting} is null (the setting has no password).
     */
    public static PrivateKey privateKey(Path file, String password, String passwordSetting)
            throws IOException, GeneralSecurityException {
        for (Block b : blocks(file)) {
            switch (b.type()) {
                case "PRIVATE KEY" -> {
                    return decode(new PKCS8EncodedKeySpec(b.der()));
                }
                case "ENCRYPTED PRIVATE KEY" -> {
                    if (password == null) {
                        throw new IllegalArgumentException(file + ": the key is encrypted but " + (passwordSetting == null
                                ? "this setting takes no password; decrypt it with 'openssl pkcs8 -topk8 -nocrypt'"
                                : passwordSetting + " is not set"));
                    }
                    return decode(decrypt(b.der(), password));
                }
                case "RSA PRIVATE KEY" -> {
                    return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(pkcs1ToPkcs8(b.der())));
                }
                case "EC PRIVATE KEY" -> throw new IllegalArgumentException(file + ": EC PRIVATE KEY (SEC1) is not"
                        + " supported; convert it with 'openssl pkcs8 -topk8 -nocrypt' to a PKCS#8 'PRIVATE KEY'");
                default -> {
                    // certificates and parameter blocks share the file; keep looking
                }
            }
        }
        throw new IllegalArgumentException(file + ": no PRIVATE KEY, ENCRYPTED PRIVATE KEY or RSA PRIVATE KEY block");
    }

    /**
     * The first key block as PKCS#8 DER, encrypted or not, for readers of DER key files (pgjdbc);
     * a PKCS#1 RSA key is wrapped. Empty when the file holds no PEM key block (already DER).
     */
    public static Optional<byte[]> pkcs8Der(Path file) throws IOException {
        for (Block b : blocks(file)) {
            if (KEY_TYPES.contains(b.type())) {
                return Optional.of(b.type().equals("RSA PRIVATE KEY") ? pkcs1ToPkcs8(b.der()) : b.der());
            }
        }
        return Optional.empty();
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

    /** PKCS#8 does not say the algorithm outside its DER; try the ones the JDK knows. */
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
    static byte[] pkcs1ToPkcs8(byte[] pkcs1) {
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
