package io.patronijvm.dcs.consul;

/**
 * One HTTP answer from Consul.
 *
 * @param code  HTTP status
 * @param body  the body as text (empty when none)
 * @param index {@code X-Consul-Index}, or -1 when the header is absent
 */
record ConsulResponse(int code, String body, long index) {

    boolean ok() {
        return code == 200;
    }

    /** Consul answers {@code true}/{@code false} to KV writes; false means CAS or lock refused. */
    boolean isTrue() {
        return code == 200 && "true".equals(body.strip());
    }
}
