package io.patronijvm.pg.sql;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * libpq (and so Patroni's configurations) takes {@code sslkey} as a PEM file; pgjdbc reads only
 * DER (PKCS#8, optionally encrypted). A PEM key is converted once into an owner-only temporary
 * DER file, again when the PEM file changes; anything else is handed to pgjdbc as it is.
 */
final class SslKeys {

    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN (PRIVATE KEY|ENCRYPTED PRIVATE KEY|RSA PRIVATE KEY)-----([^-]+)-----END \\1-----");

    private record Converted(FileTime modified, Path der) {
    }

    /** Process-wide, like pgjdbc's own caches: one DER file per PEM key file. */
    private static final Map<Path, Converted> CONVERTED = new ConcurrentHashMap<>();

    private SslKeys() {
    }

    /** The file to give pgjdbc for {@code sslkey}. */
    static String forJdbc(String sslkey) {
        Path pem = Path.of(sslkey).toAbsolutePath();
        try {
            FileTime modified = Files.getLastModifiedTime(pem);
            Converted c = CONVERTED.get(pem);
            if (c != null && c.modified().equals(modified) && Files.exists(c.der())) {
                return c.der().toString();
            }
            Matcher m = BLOCK.matcher(Files.readString(pem, StandardCharsets.US_ASCII));
            if (!m.find()) {
                return sslkey; // already DER, or a PKCS#12 file pgjdbc reads itself
            }
            byte[] der = Base64.getMimeDecoder().decode(m.group(2));
            if (m.group(1).equals("RSA PRIVATE KEY")) {
                der = pkcs1ToPkcs8(der);
            }
            Path out = Files.createTempFile("patroni-jvm-sslkey-", ".pk8",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            out.toFile().deleteOnExit();
            Files.write(out, der);
            CONVERTED.put(pem, new Converted(modified, out));
            return out.toString();
        } catch (IOException | IllegalArgumentException e) {
            // pgjdbc names the file in its own error when it cannot read it.
            return sslkey;
        }
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
