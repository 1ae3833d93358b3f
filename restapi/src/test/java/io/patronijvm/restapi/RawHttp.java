package io.patronijvm.restapi;

import javax.net.SocketFactory;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A deliberately dumb HTTP/1.1 client on a plain (or TLS) socket, so tests see exactly what goes
 * over the wire (Content-Length on HEAD, bodies of OPTIONS) and can send broken requests.
 * Every call has connect and read timeouts.
 */
final class RawHttp {

    static final int TIMEOUT_MS = (int) (5000 * io.patronijvm.testkit.TimingMultiple.value());

    record Response(int status, Map<String, String> headers, String body) {
        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        @Override
        public String toString() {
            return status + " " + headers + " " + body;
        }
    }

    private final String host;
    private final int port;
    private final SocketFactory sockets;
    private final int timeoutMs;

    RawHttp(String host, int port) {
        this(host, port, SocketFactory.getDefault());
    }

    RawHttp(String host, int port, SocketFactory sockets) {
        this(host, port, sockets, TIMEOUT_MS);
    }

    /** {@code timeoutMs}: connect and read limit of each exchange (a TLS handshake on a loaded machine needs more). */
    RawHttp(String host, int port, SocketFactory sockets, int timeoutMs) {
        this.host = host;
        this.port = port;
        this.sockets = sockets;
        this.timeoutMs = timeoutMs;
    }

    Response get(String path) throws IOException {
        return send("GET", path, Map.of(), null);
    }

    Response send(String method, String path, Map<String, String> headers, String body) throws IOException {
        StringBuilder req = new StringBuilder();
        req.append(method).append(' ').append(path).append(" HTTP/1.1\r\n");
        req.append("Host: ").append(host).append(':').append(port).append("\r\n");
        req.append("Connection: close\r\n");
        headers.forEach((k, v) -> req.append(k).append(": ").append(v).append("\r\n"));
        byte[] payload = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        if (body != null && !headers.containsKey("Content-Length") && !headers.containsKey("Transfer-Encoding")) {
            req.append("Content-Length: ").append(payload.length).append("\r\n");
        }
        req.append("\r\n");
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        all.writeBytes(req.toString().getBytes(StandardCharsets.ISO_8859_1));
        all.writeBytes(payload);
        return parse(exchange(all.toByteArray()), method.equals("HEAD"));
    }

    /** Sends raw bytes and returns whatever came back before the server closed (or the timeout). */
    byte[] exchange(byte[] raw) throws IOException {
        try (Socket s = sockets.createSocket()) {
            s.connect(new InetSocketAddress(host, port), timeoutMs);
            s.setSoTimeout(timeoutMs);
            OutputStream out = s.getOutputStream();
            out.write(raw);
            out.flush();
            if (!(s instanceof javax.net.ssl.SSLSocket)) {
                // Tell the server nothing more is coming, so an incomplete request is answered (or
                // dropped) at once instead of after the idle timeout.
                s.shutdownOutput();
            }
            InputStream in = s.getInputStream();
            return in.readAllBytes();
        }
    }

    static Response parse(byte[] raw, boolean head) {
        String text = new String(raw, StandardCharsets.ISO_8859_1);
        int end = text.indexOf("\r\n\r\n");
        if (end < 0) {
            throw new IllegalStateException("no complete response head: " + text);
        }
        String[] lines = text.substring(0, end).split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            headers.put(lines[i].substring(0, colon).strip().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).strip());
        }
        byte[] bodyBytes = java.util.Arrays.copyOfRange(raw, end + 4, raw.length);
        return new Response(status, headers, head ? "" : new String(bodyBytes, StandardCharsets.UTF_8));
    }
}
