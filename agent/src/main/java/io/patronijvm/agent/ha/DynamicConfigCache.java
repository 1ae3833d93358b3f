package io.patronijvm.agent.ha;

import io.patronijvm.agent.json.PlainJson;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Map;

/**
 * {@code <data_dir>/patroni.dynamic.json} (decision 1): the last dynamic configuration seen, so
 * a restart without the DCS still knows ttl and loop_wait. Written atomically (temp file, fsync,
 * rename) and only when the content changed (style guideline 13).
 */
final class DynamicConfigCache {

    private final Path file;
    private String lastWritten;

    DynamicConfigCache(Path dataDir) {
        this.file = dataDir == null ? null : dataDir.resolve("patroni.dynamic.json");
    }

    /** Writes {@code config} when it differs from the last write; IOException means the file is unchanged. */
    void store(Map<String, Object> config) throws IOException {
        if (file == null || !Files.isDirectory(file.getParent())) {
            return;
        }
        String text = PlainJson.write(config);
        if (text.equals(lastWritten)) {
            return;
        }
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ch.write(java.nio.ByteBuffer.wrap(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            ch.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        lastWritten = text;
    }
}
