package io.patronijvm.restapi;

import io.patronijvm.core.status.IntentResult;

/** Maps the loop's answer to an operator request onto Patroni's status codes. */
final class IntentCodes {

    private IntentCodes() {
    }

    static int code(IntentResult r) {
        return switch (r.kind()) {
            case DONE -> 200;
            case SCHEDULED -> 202;
            case REFUSED, FAILED -> 503;
            case CONFLICT -> 409;
            case INVALID -> 400;
        };
    }

    static String message(IntentResult r, String fallback) {
        return r.message() == null || r.message().isBlank() ? fallback : r.message();
    }
}
