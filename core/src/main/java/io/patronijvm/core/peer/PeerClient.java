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

    /**
     * R41: {@code POST <api_url>/failsafe} with {@code body} to every member of {@code apiUrls}
     * (name to api_url) in parallel, each bounded by {@code timeout} with one retry. True only when
     * every one answered 200; an empty map is trivially confirmed. The default confirms nothing, so a
     * client without failsafe support keeps today's behaviour (the primary demotes).
     */
    default boolean confirmFailsafe(Map<String, String> apiUrls, Map<String, Object> body, Duration timeout)
            throws InterruptedException {
        return apiUrls.isEmpty();
    }
}
