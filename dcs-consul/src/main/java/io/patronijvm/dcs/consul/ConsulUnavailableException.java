package io.patronijvm.dcs.consul;

/**
 * Consul did not give a usable answer within the deadline (connection errors, timeouts, HTTP
 * 5xx after retries, ACL refusals). The operation's outcome is unknown.
 */
final class ConsulUnavailableException extends Exception {
    private static final long serialVersionUID = 1L;

    private final boolean permissionDenied;

    ConsulUnavailableException(String message, boolean permissionDenied, Throwable cause) {
        super(message, cause);
        this.permissionDenied = permissionDenied;
    }

    ConsulUnavailableException(String message) {
        this(message, false, null);
    }

    boolean permissionDenied() {
        return permissionDenied;
    }
}
