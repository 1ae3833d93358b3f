package io.patronijvm.dcs.etcd;

/**
 * No etcd member gave a usable answer within the deadline (connection errors, timeouts, gRPC
 * Unavailable / DeadlineExceeded after trying every member). The outcome is unknown.
 */
final class EtcdUnavailableException extends Exception {
    private static final long serialVersionUID = 1L;

    EtcdUnavailableException(String message) {
        super(message);
    }
}
