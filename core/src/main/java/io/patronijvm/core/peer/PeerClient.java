package io.patronijvm.core.peer;

import io.patronijvm.core.model.Member;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Talks to other members' REST APIs. Probes run in parallel; each is bounded by
 * {@code timeout} and failures come back as {@link PeerStatus#unreachable}, never as exceptions.
 */
public interface PeerClient {

    /** {@code GET <api_url>} on every member in parallel; the map has an entry per member. */
    Map<String, PeerStatus> probe(List<Member> members, Duration timeout) throws InterruptedException;
}
