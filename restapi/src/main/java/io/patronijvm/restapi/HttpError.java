package io.patronijvm.restapi;

/**
 * A request that must be answered with {@code status} and a plain-text {@code message}
 * (Patroni's text/html bodies). Thrown by validation helpers so handlers read top to bottom;
 * the dispatcher turns it into a response. Never carries a stack trace to the client.
 */
final class HttpError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int status;

    HttpError(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    int status() {
        return status;
    }
}
