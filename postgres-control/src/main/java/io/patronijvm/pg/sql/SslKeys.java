package io.patronijvm.pg.sql;

import io.patronijvm.pem.Pem;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * libpq (and so Patroni's configurations) takes {@code sslkey} as a PEM file; pgjdbc reads only
 * DER (PKCS#8, optionally encrypted). A PEM key is converted once into an owner-only temporary
 * DER file, again when the PEM file changes; anything else is handed to pgjdbc as it is.
 */
final class SslKeys {

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
            Optional<byte[]> pkcs8 = Pem.pkcs8Der(pem);
            if (pkcs8.isEmpty()) {
                return sslkey; // already DER, or a PKCS#12 file pgjdbc reads itself
            }
            byte[] der = pkcs8.get();
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
}
