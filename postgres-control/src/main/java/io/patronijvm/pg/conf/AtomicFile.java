package io.patronijvm.pg.conf;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Arrays;
import java.util.Set;

/**
 * Writes a file atomically (temp file in the same directory, fsync, rename) and only when the
 * content differs, so a crash never leaves half a postgresql.conf and an unchanged config causes
 * no spurious reload (style 13).
 */
public final class AtomicFile {

    private AtomicFile() {
    }

    /** Returns true when the file was (re)written. {@code perms} may be null to keep the default. */
    public static boolean write(Path target, String content, Set<PosixFilePermission> perms) throws IOException {
        byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
        if (Files.isRegularFile(target) && Arrays.equals(Files.readAllBytes(target), bytes)
                && (perms == null || Files.getPosixFilePermissions(target).equals(perms))) {
            return false;
        }
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = dir.resolve("." + target.getFileName() + ".tmp" + ProcessHandle.current().pid());
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            if (perms != null) {
                Files.setPosixFilePermissions(tmp, perms);
            }
            ch.write(java.nio.ByteBuffer.wrap(bytes));
            ch.force(true);
        }
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        }
        fsyncDir(dir);
        return true;
    }

    public static boolean write(Path target, String content) throws IOException {
        return write(target, content, null);
    }

    private static void fsyncDir(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // Some file systems refuse to open a directory; the rename is still atomic.
        }
    }
}
