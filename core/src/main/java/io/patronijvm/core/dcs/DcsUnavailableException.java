package io.patronijvm.core.dcs;

/** The DCS did not answer a read within its deadline, or answered with an error. */
public class DcsUnavailableException extends Exception {
    private static final long serialVersionUID = 1L;

    public DcsUnavailableException(String message) {
        super(message);
    }

    public DcsUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
