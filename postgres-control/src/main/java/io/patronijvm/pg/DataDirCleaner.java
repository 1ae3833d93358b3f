package io.patronijvm.pg;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Deletes what is inside a directory (never following symlinks out of it). Callers decide when
 * that is allowed: a clone attempt into a directory that was empty before it, or
 * {@code removeDataDirectory} when configuration allows it.
 */
final class DataDirCleaner {

    private static final Logger log = LoggerFactory.getLogger(DataDirCleaner.class);

    private DataDirCleaner() {
    }

    /** Removes the directory's contents; the directory itself stays (its owner and mode are the operator's). */
    static void clearContents(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return;
        }
        log.warn("removing the contents of {}", dir);
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException exc) throws IOException {
                if (exc != null) {
                    throw exc;
                }
                if (!d.equals(dir)) {
                    Files.delete(d);
                }
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
