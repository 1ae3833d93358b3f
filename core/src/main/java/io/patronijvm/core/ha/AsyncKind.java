package io.patronijvm.core.ha;

/** The long actions that run in the single async slot (T4, style guideline 10). */
public enum AsyncKind {
    BOOTSTRAP("bootstrap"),
    CLONE("creating replica"),
    PROMOTE("promote"),
    DEMOTE("demote"),
    START("starting"),
    RESTART("restart"),
    REWIND("pg_rewind"),
    REINITIALIZE("reinitialize"),
    COPY_SLOTS("copy_logical_slots");

    private final String text;

    AsyncKind(String text) {
        this.text = text;
    }

    /** Patroni's word for the task, used in "updated leader lock during <task>". */
    public String text() {
        return text;
    }
}
