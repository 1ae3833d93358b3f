package io.patronijvm.core.ha;

import io.patronijvm.core.model.Member;

import java.util.Map;
import java.util.TreeMap;

/**
 * Failsafe mode (spec 3.10, R40 to R43). Only with {@code failsafe_mode: true}; off, every method
 * here answers "not my business" and the cycle behaves exactly as without failsafe.
 */
final class FailsafeRules {

    static final String KEPT = "continue to run as a leader because failsafe mode is enabled and all members are accessible";

    private FailsafeRules() {
    }

    /**
     * R40, R41: the DCS failed (read or lock update) while we run as an unpaused primary with no
     * long action. Asks the loop to check the topology, then stays leader when every member
     * confirmed. {@link Step#NEXT} when failsafe does not apply or did not pass (the caller
     * demotes as before).
     */
    static Step onDcsError(HaInput in) {
        if (!in.config().failsafeMode() || in.paused() || in.asyncTask() != null || !in.pg().isPrimary()) {
            return Step.NEXT;
        }
        return switch (in.lastAttempt()) {
            case NONE -> Step.done(Decision.of(Reason.FAILSAFE_ACTIVE,
                    "DCS is not accessible: checking failsafe topology", new Action.CheckFailsafe()));
            case FAILSAFE_OK -> Step.done(Decision.of(Reason.FAILSAFE_ACTIVE, KEPT));
            default -> Step.NEXT;
        };
    }

    /**
     * R43: the holder's {@code /failsafe} map, when failsafe is on and the members (with an
     * api_url, ourselves included) differ from the key. Null when nothing is to be written.
     */
    static Action write(HaInput in) {
        if (!in.config().failsafeMode() || in.view() == null) {
            return null;
        }
        Map<String, String> wanted = new TreeMap<>();
        for (Member m : in.view().members()) {
            if (m.apiUrl() != null && !m.apiUrl().isBlank()) {
                wanted.put(m.name(), m.apiUrl());
            }
        }
        if (!wanted.containsKey(in.self()) || wanted.equals(in.view().failsafe())) {
            return null; // without our own member key yet the map would leave us out (R41 needs us in it)
        }
        return new Action.WriteFailsafe(wanted);
    }
}
