package io.patronijvm.agent.ctl;

/** What went wrong, in one sentence for the operator: printed as {@code Error: <message>}, exit 1. */
final class CtlException extends Exception {
    CtlException(String message) {
        super(message);
    }
}
