package io.patronijvm.core.pg;

/**
 * Whom a replica streams from: a member's {@code conn_url} host and port, the slot to use (or
 * null), and the member name (for logging). {@link #NOBODY} means "no primary_conninfo".
 */
public record Upstream(String memberName, String host, int port, String slotName) {

    public static final Upstream NOBODY = new Upstream(null, null, 0, null);

    public boolean isNobody() {
        return host == null;
    }
}
