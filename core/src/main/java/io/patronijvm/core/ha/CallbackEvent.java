package io.patronijvm.core.ha;

/**
 * The callback events of {@code postgresql.callbacks} (R60). The executor fires
 * {@code on_role_change} after Promote and Demote, {@code on_restart} after Restart and
 * {@code on_stop} after a stop it made on its own; the decider only asks for {@code on_start}
 * when PostgreSQL is first seen running (R13), through {@link Action.RunCallback}. None fire
 * during bootstrap.
 */
public enum CallbackEvent {
    ON_START("on_start"),
    ON_STOP("on_stop"),
    ON_RESTART("on_restart"),
    ON_RELOAD("on_reload"),
    ON_ROLE_CHANGE("on_role_change");

    private final String wire;

    CallbackEvent(String wire) {
        this.wire = wire;
    }

    /** The action argument the script receives. */
    public String wire() {
        return wire;
    }
}
