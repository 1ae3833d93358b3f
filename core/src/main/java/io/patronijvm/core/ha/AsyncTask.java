package io.patronijvm.core.ha;

/**
 * The long action currently occupying the async slot (T4).
 *
 * @param kind what is running
 */
public record AsyncTask(AsyncKind kind) {
    public AsyncTask {
        java.util.Objects.requireNonNull(kind, "kind");
    }
}
