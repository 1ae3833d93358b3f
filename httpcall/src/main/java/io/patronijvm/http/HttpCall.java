package io.patronijvm.http;

import javax.net.ssl.HostnameVerifier;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLSocketFactory;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpRetryException;
import java.net.HttpURLConnection;
import java.net.Proxy;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One HTTP/1.1 exchange over the JDK's {@link HttpURLConnection} (issue 17: OkHttp brought okio,
 * the Kotlin runtime and two threads), with what that class lacks: a deadline for the whole call
 * and an abort from another thread. A shared library beside {@code pem}: dcs-consul, dcs-etcd and the
 * agent's peer client use it, and adapters do not depend on each other.
 *
 * <ul>
 *   <li>Connecting and each read are bounded by their timeouts, never beyond the deadline.</li>
 *   <li>Until the answer's headers are in, the deadline or {@link #abort} closes the socket
 *       ({@code disconnect()}), so the blocked call fails at once.</li>
 *   <li>The JDK holds a lock over a blocked body read that {@code disconnect()} would wait for, so
 *       the body is read here in slices with the deadline and the abort checked after each: a
 *       body that trickles ends at the deadline, one that stalls at the read timeout.</li>
 *   <li>A body read to its end and closed returns the connection to the JDK's keep-alive pool;
 *       any failure closes it.</li>
 * </ul>
 * The deadline's timer is the JDK's shared {@link CompletableFuture#orTimeout} thread, not one of ours.
 */
public final class HttpCall {

    /** An answer: status, body, the headers the callers read. */
    public record Reply(int code, String body, HttpURLConnection connection) {
        public String header(String name) {
            return connection == null ? null : connection.getHeaderField(name);
        }
    }

    private final HttpURLConnection c;
    private final String what;
    private final long deadlineNanos;
    private final Object lock = new Object();
    /** Guarded by {@link #lock}: connected, the answer's headers not yet read (disconnect is safe). */
    private boolean sent;
    /** Guarded by {@link #lock}: the body is being read (disconnect would block). */
    private boolean reading;
    private volatile String aborted;
    private CompletableFuture<Void> timer;
    private boolean noBody;

    /**
     * @param total the deadline of the whole call, from now
     */
    public HttpCall(URI uri, Proxy proxy, Duration connectTimeout, Duration readTimeout, Duration total) throws IOException {
        this.deadlineNanos = System.nanoTime() + total.toNanos();
        this.c = (HttpURLConnection) (proxy == null ? uri.toURL().openConnection() : uri.toURL().openConnection(proxy));
        this.what = uri.getScheme() + "://" + uri.getRawAuthority() + uri.getRawPath();
        c.setConnectTimeout(millis(min(connectTimeout, total)));
        c.setReadTimeout(millis(min(readTimeout, total)));
        c.setUseCaches(false);
    }

    public HttpCall header(String name, String value) {
        c.setRequestProperty(name, value);
        return this;
    }

    public HttpCall followRedirects(boolean follow) {
        c.setInstanceFollowRedirects(follow);
        return this;
    }

    /** TLS settings for an https URL; {@code verifier} null keeps the JDK's host name check. */
    public HttpCall tls(SSLSocketFactory factory, HostnameVerifier verifier) {
        if (c instanceof HttpsURLConnection s) {
            if (factory != null) {
                s.setSSLSocketFactory(factory); // one instance per client: the JDK pools connections per factory
            }
            if (verifier != null) {
                s.setHostnameVerifier(verifier);
            }
        }
        return this;
    }

    /**
     * Sends {@code method} with {@code body} (null: none) and reads the whole answer.
     *
     * @param resendable whether the JDK may send the request a second time when a pooled connection
     *                   turns out closed before any answer: the JDK does that for a buffered body
     *                   (POST included, {@code sun.net.http.retryPost}) and never for a streamed one,
     *                   so a body that must not be sent twice is streamed. A request without a body
     *                   is always resendable (GET).
     */
    public Reply send(String method, byte[] body, String contentType, boolean resendable) throws IOException {
        try {
            open(method, body, contentType, resendable);
            int code = c.getResponseCode();
            InputStream in = bodyPhase(code);
            String text = in == null ? "" : new String(readAll(in), StandardCharsets.UTF_8);
            return new Reply(code, text, c);
        } catch (HttpRetryException e) {
            // A streamed request answered 401 or a redirect: the JDK cannot resend it and keeps no body.
            c.disconnect();
            return new Reply(e.responseCode(), e.getReason() == null ? "" : e.getReason(), null);
        } catch (IOException | RuntimeException e) {
            c.disconnect();
            throw failure(e);
        } finally {
            stopTimer();
        }
    }

    /**
     * Sends the request and hands the answer's body to the caller as a stream (a watch). The caller
     * reads it with {@link #readSome} and ends the call with {@link #close}.
     */
    public int openStream(String method, byte[] body, String contentType) throws IOException {
        try {
            open(method, body, contentType, false);
            return c.getResponseCode();
        } catch (HttpRetryException e) {
            noBody = true; // a 401 or a redirect to a streamed request: no body kept (see send)
            close();
            return e.responseCode();
        } catch (IOException | RuntimeException e) {
            c.disconnect();
            stopTimer();
            throw failure(e);
        }
    }

    private void open(String method, byte[] body, String contentType, boolean resendable) throws IOException {
        timer = new CompletableFuture<>();
        long left = deadlineNanos - System.nanoTime();
        timer.orTimeout(Math.max(1, left), TimeUnit.NANOSECONDS).whenComplete((v, t) -> {
            if (t instanceof TimeoutException) {
                abort("no complete answer within the deadline");
            }
        });
        c.setRequestMethod(method);
        if (body != null) {
            c.setDoOutput(true);
            if (contentType != null) {
                c.setRequestProperty("Content-Type", contentType);
            }
            if (!resendable) {
                c.setFixedLengthStreamingMode(body.length);
            }
        }
        c.connect();
        synchronized (lock) {
            check();
            sent = true;
        }
        if (body != null) {
            try (OutputStream out = c.getOutputStream()) {
                out.write(body);
            }
        }
    }

    private InputStream bodyPhase(int code) throws IOException {
        synchronized (lock) {
            reading = true;
        }
        check();
        return code >= 400 ? c.getErrorStream() : c.getInputStream();
    }

    /** The body's stream of an {@link #openStream} call (null when there is none). */
    public InputStream stream(int code) throws IOException {
        return noBody ? null : bodyPhase(code);
    }

    /** The rest of {@code in} as text (an error answer's body); null gives "". */
    public String text(InputStream in) throws IOException {
        return in == null ? "" : new String(readAll(in), StandardCharsets.UTF_8);
    }

    /** One read of at most {@code buf.length} bytes, then the deadline and abort checks. */
    public int readSome(InputStream in, byte[] buf) throws IOException {
        int n = in.read(buf);
        check();
        return n;
    }

    private byte[] readAll(InputStream in) throws IOException {
        try (in) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buf = new byte[8192];
            int n;
            while ((n = readSome(in, buf)) >= 0) {
                out.write(buf, 0, n);
            }
            return out.toByteArray();
        }
    }

    /** Ends a streamed call: the connection is closed (the stream did not end, so it cannot be reused). */
    public void close() {
        stopTimer();
        c.disconnect();
    }

    /** Ends the call from another thread: fails it at once before the answer, after the current read while reading it. */
    public void abort(String why) {
        synchronized (lock) {
            if (aborted != null) {
                return;
            }
            aborted = why;
            if (sent && !reading) {
                c.disconnect(); // also tells the JDK not to send the request again
            }
        }
    }

    private void check() throws IOException {
        String why = aborted;
        if (why == null && System.nanoTime() - deadlineNanos > 0) {
            why = "no complete answer within the deadline";
            aborted = why;
        }
        if (why != null) {
            throw abortedException(why);
        }
    }

    private IOException abortedException(String why) {
        return why.contains("deadline") ? new SocketTimeoutException(what + ": " + why) : new IOException(what + ": " + why);
    }

    /** What failed, naming the endpoint; a timeout stays an InterruptedIOException, as callers test. */
    private IOException failure(Exception e) {
        String why = aborted;
        if (why != null) {
            IOException out = abortedException(why);
            out.initCause(e);
            return out;
        }
        if (e instanceof IOException io && io.getMessage() != null && io.getMessage().contains(what)) {
            return io;
        }
        IOException out = e instanceof SocketTimeoutException ? new SocketTimeoutException(what + ": " + e.getMessage())
                : new IOException(what + ": " + e.getClass().getSimpleName() + ": " + e.getMessage());
        out.initCause(e);
        return out;
    }

    private void stopTimer() {
        CompletableFuture<Void> t = timer;
        if (t != null) {
            t.complete(null); // cancels the scheduled timeout, so it holds nothing until it would fire
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private static int millis(Duration d) {
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, d.toMillis()));
    }
}
