package io.patronijvm.restapi;

/**
 * The JDK HTTP server's time and connection limits are JVM-wide system properties, read once
 * when the first server is created. Its defaults wait forever for a request to arrive in full,
 * which would let slow or stalled clients pile up; these are set unless the operator already
 * set them with {@code -D} (the property names are the JDK's own).
 */
final class ServerLimits {

    /** Seconds a request may take from its first byte to its last (head and body), as Jetty's idle limit did. */
    static final String MAX_REQUEST_SECONDS = "10";
    /** Seconds a kept-alive connection may sit idle before it is closed. */
    static final String IDLE_SECONDS = "10";
    /** Open connections beyond which new ones are closed at once (file descriptors are finite). */
    static final String MAX_CONNECTIONS = "512";
    /** How often the request limit is checked; a 10 s limit needs no finer grain. */
    static final String REQUEST_TIMER_MILLIS = "2000";

    private ServerLimits() {
    }

    static void applyDefaults() {
        setDefault("sun.net.httpserver.maxReqTime", MAX_REQUEST_SECONDS);
        setDefault("sun.net.httpserver.idleInterval", IDLE_SECONDS);
        setDefault("sun.net.httpserver.timerMillis", REQUEST_TIMER_MILLIS);
        setDefault("jdk.httpserver.maxConnections", MAX_CONNECTIONS);
    }

    private static void setDefault(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }
}
