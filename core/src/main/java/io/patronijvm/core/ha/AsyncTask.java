package io.patronijvm.core.ha;

/**
 * The long action currently occupying the async slot (T4).
 *
 * @param kind           what is running
 * @param startedAtNanos monotonic start time (R6/R35: crash recovery counts against primary_start_timeout)
 */
public record AsyncTask(AsyncKind kind, long startedAtNanos) {
    public AsyncTask {
        java.util.Objects.requireNonNull(kind, "kind");
    }
}
