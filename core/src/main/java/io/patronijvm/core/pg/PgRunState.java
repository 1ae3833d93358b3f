package io.patronijvm.core.pg;

/**
 * PostgreSQL's state as Patroni names it in {@code state} fields; {@link #wire()} is the string
 * written to member keys and status JSON.
 */
public enum PgRunState {
    RUNNING("running"),
    STARTING("starting"),
    STOPPED("stopped"),
    STOPPING("stopping"),
    STOP_FAILED("stop failed"),
    CRASHED("crashed"),
    RESTARTING("restarting"),
    RESTART_FAILED("restart failed"),
    START_FAILED("start failed"),
    INITIALIZING("initializing new cluster"),
    INITDB_FAILED("initdb failed"),
    CREATING_REPLICA("creating replica"),
    RUNNING_CUSTOM_BOOTSTRAP("running custom bootstrap script"),
    CUSTOM_BOOTSTRAP_FAILED("custom bootstrap failed"),
    UNKNOWN("unknown");

    private final String wire;

    PgRunState(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }
}
