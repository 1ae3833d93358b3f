package io.patronijvm.agent.ha;

import io.patronijvm.core.dcs.Dcs;
import io.patronijvm.core.dcs.DcsOutcome;
import io.patronijvm.core.dcs.ServiceRegistration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the node's Consul service (spec 2.6) in step with what the member key says: registers
 * when role, state, {@code conn_url} or {@code api_url} changed since the last successful call,
 * or when the previous attempt failed; withdraws it on shutdown. Whether registration is enabled
 * at all ({@code consul.register_service}) is the {@link Dcs}'s business: it answers OK without a
 * request when it is off, so this class calls it once per change either way.
 */
final class ServiceRegistrations {

    private static final Logger log = LoggerFactory.getLogger(ServiceRegistrations.class);

    private ServiceRegistration last;
    private boolean registeredOnce;

    /** After the member key was written: (re-)register when something the service shows changed. */
    void update(Dcs dcs, ServiceRegistration now) {
        if (now.equals(last)) {
            return;
        }
        DcsOutcome o = dcs.registerService(now);
        if (o.ok()) {
            last = now;
            registeredOnce = true;
        } else {
            last = null; // retried next cycle
            log.warn("could not update the consul service registration: {} {}", o.kind(), o.detail());
        }
    }

    /** On shutdown: the node no longer serves, so DNS and service-based routing must stop naming it. */
    void withdraw(Dcs dcs) {
        if (!registeredOnce) {
            return;
        }
        DcsOutcome o = dcs.deregisterService();
        if (!o.ok()) {
            log.warn("could not deregister the consul service (its check deregisters it later): {} {}", o.kind(),
                    o.detail());
        }
        last = null;
        registeredOnce = false;
    }
}
