package io.patronijvm.pg;

import io.patronijvm.core.model.Member;
import io.patronijvm.core.pg.PgException;
import io.patronijvm.pg.conf.ConnInfo;
import io.patronijvm.pg.sql.PgConnector;
import io.patronijvm.pg.sql.Slots;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * R57: a replica gets a permanent logical slot it lacks the way Patroni 3.0.2 does it: the slot's
 * on-disk state file is read from the primary with {@code pg_read_binary_file} and written into
 * the local {@code pg_replslot} while PostgreSQL is stopped, since a standby cannot create a
 * logical slot (before 16) and only loads slot files at start. Afterwards the slot is advanced like
 * any other ({@link LogicalSlotAdvancer}).
 */
final class LogicalSlotCopier {

    private static final Logger log = LoggerFactory.getLogger(LogicalSlotCopier.class);
    private static final Duration LEADER_SQL_TIMEOUT = Duration.ofSeconds(5);
    private static final String READ_SQL = """
            SELECT s.slot_name, s.slot_type, d.datname, s.plugin,
              pg_catalog.pg_read_binary_file('pg_replslot/' || s.slot_name || '/state')
            FROM pg_catalog.pg_replication_slots s JOIN pg_catalog.pg_database d ON s.datoid = d.oid
            WHERE NOT pg_catalog.pg_is_in_recovery() AND s.slot_name = ANY(?)""";

    private final PgContext ctx;

    LogicalSlotCopier(PgContext ctx) {
        this.ctx = ctx;
    }

    /** The state files of those {@code names} whose definition on the leader matches ours; may be empty. */
    Map<String, byte[]> read(Member leader, List<String> names) throws PgException {
        Map<String, Slots.LogicalSpec> specs = Slots.logicalSpecs(ctx.dyn().slots());
        Map<String, byte[]> out = new LinkedHashMap<>();
        ConnInfo.HostPort hp = ConnInfo.fromConnUrl(leader.connUrl());
        try (Connection c = PgConnector.connect(hp.host(), hp.port(), ctx.pg.rewindOrSuperuser(), LEADER_SQL_TIMEOUT);
             PreparedStatement ps = c.prepareStatement(READ_SQL)) {
            ps.setArray(1, c.createArrayOf("text", names.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String name = rs.getString(1);
                    Slots.LogicalSpec spec = specs.get(name);
                    boolean same = spec != null && "logical".equals(rs.getString(2))
                            && spec.database().equals(rs.getString(3)) && spec.plugin().equals(rs.getString(4));
                    if (same) {
                        out.put(name, rs.getBytes(5));
                    } else {
                        log.warn("will not copy the logical slot '{}': on {} it is {} {} {}, the configuration says {}",
                                name, leader.name(), rs.getString(2), rs.getString(3), rs.getString(4), spec);
                    }
                }
            }
        } catch (SQLException e) {
            throw new PgException("failed to copy logical slots from " + leader.name() + " via a PostgreSQL connection: "
                    + e.getMessage(), e);
        }
        return out;
    }

    /** Writes each slot's state as {@code pg_replslot/<name>/state}, crash-safely; PostgreSQL must be stopped. */
    void write(Map<String, byte[]> states) throws PgException {
        Path replslot = ctx.paths.dataDir().resolve("pg_replslot");
        try {
            for (Map.Entry<String, byte[]> e : states.entrySet()) {
                Path dir = replslot.resolve(e.getKey());
                Path tmp = replslot.resolve(e.getKey() + ".tmp");
                deleteTree(tmp);
                Files.createDirectories(tmp);
                Path state = tmp.resolve("state");
                Files.write(state, e.getValue(), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                fsync(state);
                fsync(tmp);
                deleteTree(dir);
                Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
                fsync(dir);
                log.info("copied logical slot '{}' ({} bytes of state)", e.getKey(), e.getValue().length);
            }
            fsync(replslot);
        } catch (IOException e) {
            throw new PgException("cannot write logical slot state into " + replslot + ": " + e.getMessage(), e);
        }
    }

    private static void fsync(Path p) throws IOException {
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }

    /** Only directories this copier writes: a slot's own directory and its .tmp sibling. */
    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
