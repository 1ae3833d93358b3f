package io.patronijvm.core.config;

/**
 * {@code postgresql.callbacks} plus the synchronous hooks {@code pre_promote} and
 * {@code before_stop}. Each value is a command line (split on whitespace) or null.
 */
public record CallbacksConfig(
        String onStart,
        String onStop,
        String onRestart,
        String onReload,
        String onRoleChange,
        String prePromote,
        String beforeStop) {

    public static final CallbacksConfig NONE = new CallbacksConfig(null, null, null, null, null, null, null);
}
