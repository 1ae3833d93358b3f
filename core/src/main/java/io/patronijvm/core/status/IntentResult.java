package io.patronijvm.core.status;

/**
 * The answer to an operator request (REST or CLI) once the loop has handled it, or refused it.
 * The REST layer maps {@link Kind} to Patroni's status codes.
 */
public record IntentResult(Kind kind, String message) {

    public enum Kind {
        /** Done (200). */
        DONE,
        /** Accepted, will happen later (202). */
        SCHEDULED,
        /** Conditions not met (503). */
        REFUSED,
        /** Another request of the same kind already pending (409). */
        CONFLICT,
        /** Tried and failed (503). */
        FAILED,
        /** Invalid request (400). */
        INVALID
    }

    public static IntentResult done(String message) {
        return new IntentResult(Kind.DONE, message);
    }

    public static IntentResult refused(String message) {
        return new IntentResult(Kind.REFUSED, message);
    }
}
