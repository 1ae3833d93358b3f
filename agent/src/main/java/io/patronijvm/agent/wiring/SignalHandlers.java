package io.patronijvm.agent.wiring;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SIGTERM/SIGINT (shutdown, R63) and SIGHUP (reload) through {@code sun.misc.Signal}, which is
 * unsupported API: every use is guarded, and when it is missing the JVM's shutdown hook still
 * covers SIGTERM while {@code POST /reload} replaces SIGHUP.
 *
 * <p>Handling SIGTERM ourselves (rather than only in a shutdown hook) lets the agent finish its
 * shutdown and exit 0, as Patroni does; the JVM's own handler would exit 143.
 */
final class SignalHandlers {

    private static final Logger log = LoggerFactory.getLogger(SignalHandlers.class);

    private SignalHandlers() {
    }

    /** True when installed. */
    static boolean install(String signal, Runnable action) {
        try {
            sun.misc.Signal.handle(new sun.misc.Signal(signal), s -> action.run());
            return true;
        } catch (IllegalArgumentException | UnsupportedOperationException | LinkageError e) {
            log.info("cannot handle SIG{} on this JVM ({}){}", signal, e.getMessage(),
                    "HUP".equals(signal) ? "; use POST /reload to reload the configuration" : "");
            return false;
        }
    }
}
