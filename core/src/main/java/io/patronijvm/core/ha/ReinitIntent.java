package io.patronijvm.core.ha;

/**
 * A reinitialize the REST API or CLI asked for (R66).
 *
 * @param force      cancel the running async task first
 * @param fromLeader clone from the leader even if a {@code clonefrom} member exists
 */
public record ReinitIntent(boolean force, boolean fromLeader) {
}
