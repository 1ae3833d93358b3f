package io.patronijvm.core.pg;

/**
 * Whom a replica streams from: a member's {@code conn_url} host and port, the slot to use (or
 * null), and the member name (for logging). {@link #NOBODY} means "no primary_conninfo"; a
 * {@link #remote} upstream without a host (a standby cluster fed only by restore_command) has none either.
 */
public record Upstream(String memberName, String host, int port, String slotName, boolean remote) {

    public static final Upstream NOBODY = new Upstream(null, null, 0, null);

    /** A member of our cluster (or nobody). */
    public Upstream(String memberName, String host, int port, String slotName) {
        this(memberName, host, port, slotName, false);
    }

    /**
     * The remote primary of a standby cluster (R59): {@code slotName} is its
     * {@code primary_slot_name} (null: none), and the recovery settings of {@code standby_cluster} apply.
     */
    public static Upstream remote(String host, int port, String slotName) {
        return new Upstream("remote member", host, host == null ? 0 : port, slotName, true);
    }

    public boolean isNobody() {
        return host == null;
    }
}
