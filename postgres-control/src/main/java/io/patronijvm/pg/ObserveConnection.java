package io.patronijvm.pg;

import io.patronijvm.pg.sql.Observation;
import io.patronijvm.pg.sql.Observer;
import io.patronijvm.pg.sql.PgConnector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;

/** One cached superuser connection for the per-cycle observation; dropped on any error and on stop. */
final class ObserveConnection implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ObserveConnection.class);
    private static final Duration STATEMENT_TIMEOUT = Duration.ofSeconds(5);

    private final PgContext ctx;
    private Connection connection;

    ObserveConnection(PgContext ctx) {
        this.ctx = ctx;
    }

    /** The observation, or null when PostgreSQL does not answer (logged at DEBUG: a stopped server is normal). */
    synchronized Observation tryObserve() {
        try {
            if (connection == null || connection.isClosed()) {
                connection = PgConnector.connect(ctx.localHost(), ctx.pg.port(), ctx.pg.superuser(), STATEMENT_TIMEOUT);
            }
            return Observer.observe(connection, ctx.dyn().ignoreSlots());
        } catch (SQLException e) {
            log.debug("observe query on {}:{} failed: {}", ctx.localHost(), ctx.pg.port(), e.getMessage());
            close();
            return null;
        }
    }

    /** A health check's light query ({@link Observer#progress}), or null when PostgreSQL does not answer. */
    synchronized Observer.Progress tryProgress() {
        try {
            if (connection == null || connection.isClosed()) {
                connection = PgConnector.connect(ctx.localHost(), ctx.pg.port(), ctx.pg.superuser(), STATEMENT_TIMEOUT);
            }
            return Observer.progress(connection);
        } catch (SQLException e) {
            log.debug("progress query on {}:{} failed: {}", ctx.localHost(), ctx.pg.port(), e.getMessage());
            close();
            return null;
        }
    }

    @Override
    public synchronized void close() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException e) {
                log.debug("closing observe connection: {}", e.getMessage());
            }
            connection = null;
        }
    }
}
