package io.patronijvm.dcs.etcd;

/**
 * etcd answered with an error that retrying cannot change (gRPC status in the gateway's JSON
 * body): for example {@code requested lease not found} (code 5) or {@code permission denied} (7).
 *
 * @see <a href="https://github.com/etcd-io/etcd/blob/v3.4.23/etcdserver/api/v3rpc/rpctypes/error.go">rpctypes</a>
 */
final class EtcdErrorException extends Exception {
    private static final long serialVersionUID = 1L;

    static final int NOT_FOUND = 5;
    static final int PERMISSION_DENIED = 7;
    static final int FAILED_PRECONDITION = 9;
    static final int UNAUTHENTICATED = 16;
    static final int INVALID_ARGUMENT = 3;

    private final int code;
    private final String error;

    EtcdErrorException(int code, String error, String context) {
        super(context + ": " + error + " (gRPC code " + code + ")");
        this.code = code;
        this.error = error == null ? "" : error;
    }

    int code() {
        return code;
    }

    String error() {
        return error;
    }

    boolean leaseNotFound() {
        return error.contains("requested lease not found");
    }

    /** A token that expired or was never sent: authenticating again may fix it. */
    boolean authRetryable() {
        return code == UNAUTHENTICATED || error.contains("user name is empty")
                || error.contains("invalid auth token");
    }
}
