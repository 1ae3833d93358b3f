package io.patronijvm.core.pg;

/** A PostgreSQL operation failed; the message names the path, port or command involved. */
public class PgException extends Exception {
    private static final long serialVersionUID = 1L;

    public PgException(String message) {
        super(message);
    }

    public PgException(String message, Throwable cause) {
        super(message, cause);
    }
}
