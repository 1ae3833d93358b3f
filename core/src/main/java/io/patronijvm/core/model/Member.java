package io.patronijvm.core.model;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * One {@code members/<name>} key as read from the DCS (spec 2.2).
 *
 * @param name            the member name (last path segment of the key)
 * @param session         the DCS session that owns the key, or null
 * @param version         the key's modify index
 * @param connUrl         {@code postgres://host:port/postgres}
 * @param apiUrl          {@code http(s)://host:port/patroni}, or null when the member has none
 * @param state           PostgreSQL state as Patroni names it ({@code running}, {@code starting} ...)
 * @param role            parsed role; null when the value is unknown
 * @param patroniVersion  dotted version string the member reports
 * @param xlogLocation    primary: current WAL LSN; replica: max(receive, replay); null when unknown
 * @param timeline        null when unknown
 * @param replicationState {@code streaming}, {@code in archive recovery}, or null
 * @param tags            the member's tags
 * @param pendingRestart  true when the member reports a pending restart
 * @param pause           true when the member reports the cluster paused
 * @param checkpointAfterPromote false on a fresh leader until its post-promote checkpoint finished; null if absent
 * @param extra           every other field of the JSON value, kept so nothing a newer Patroni writes is lost
 */
public record Member(
        String name,
        String session,
        long version,
        String connUrl,
        String apiUrl,
        String state,
        Role role,
        String patroniVersion,
        Long xlogLocation,
        Integer timeline,
        String replicationState,
        Tags tags,
        boolean pendingRestart,
        boolean pause,
        Boolean checkpointAfterPromote,
        Map<String, Object> extra) {

    public Member {
        Objects.requireNonNull(name, "name");
        tags = tags == null ? Tags.NONE : tags;
        extra = extra == null ? Map.of() : Map.copyOf(extra);
    }

    public boolean isRunning() {
        return "running".equals(state);
    }

    public OptionalLong wal() {
        return xlogLocation == null ? OptionalLong.empty() : OptionalLong.of(xlogLocation);
    }

    public OptionalInt tl() {
        return timeline == null ? OptionalInt.empty() : OptionalInt.of(timeline);
    }

    public Optional<String> api() {
        return Optional.ofNullable(apiUrl).filter(s -> !s.isBlank());
    }
}
