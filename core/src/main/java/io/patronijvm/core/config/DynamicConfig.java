package io.patronijvm.core.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The cluster-wide settings kept in the DCS {@code config} key (spec 4.3), typed, validated and
 * clamped. Built by {@link #fromMap}; the raw map is kept for {@code GET /config} and CAS writes.
 *
 * @param ttl                    leader lease, seconds (>= 20 in Patroni; tests may use less, see fromMap)
 * @param loopWait               seconds between cycles
 * @param retryTimeout           seconds a DCS or PostgreSQL operation may take before it counts as failed
 * @param maximumLagOnFailover   bytes a replica may lag and still race
 * @param maximumLagOnSyncnode   bytes, -1 = off
 * @param maxTimelinesHistory    0 = keep all
 * @param primaryStartTimeout    seconds
 * @param primaryStopTimeout     seconds, 0 = off
 * @param synchronousMode        synchronous replication on
 * @param synchronousModeStrict  block commits when no sync standby is available
 * @param synchronousNodeCount   how many sync standbys
 * @param failsafeMode           keep the primary when the DCS is down but all members answer
 * @param checkTimeline          refuse to race with a timeline behind the cluster's
 * @param pause                  maintenance mode
 * @param useSlots               physical slots per member
 * @param usePgRewind            may run pg_rewind
 * @param parameters             dynamic GUCs ({@code postgresql.parameters})
 * @param pgHba                  dynamic pg_hba lines
 * @param slots                  permanent slots: name → {type, database, plugin}
 * @param ignoreSlots            slot matchers not to drop
 * @param standbyCluster         standby cluster section as written, or null (see {@link #standby()})
 * @param raw                    the whole JSON object as read
 */
public record DynamicConfig(
        int ttl,
        int loopWait,
        int retryTimeout,
        long maximumLagOnFailover,
        long maximumLagOnSyncnode,
        int maxTimelinesHistory,
        int primaryStartTimeout,
        int primaryStopTimeout,
        boolean synchronousMode,
        boolean synchronousModeStrict,
        int synchronousNodeCount,
        boolean failsafeMode,
        boolean checkTimeline,
        boolean pause,
        boolean useSlots,
        boolean usePgRewind,
        Map<String, Object> parameters,
        List<String> pgHba,
        Map<String, Map<String, Object>> slots,
        List<Map<String, Object>> ignoreSlots,
        Map<String, Object> standbyCluster,
        Map<String, Object> raw) {

    public static final int DEFAULT_TTL = 30;
    public static final int DEFAULT_LOOP_WAIT = 10;
    public static final int DEFAULT_RETRY_TIMEOUT = 10;

    public DynamicConfig {
        parameters = unmodifiable(parameters);
        pgHba = pgHba == null ? List.of() : List.copyOf(pgHba);
        slots = slots == null ? Map.of() : Map.copyOf(slots);
        ignoreSlots = ignoreSlots == null ? List.of() : List.copyOf(ignoreSlots);
        raw = unmodifiable(raw);
    }

    /** The standby cluster this configuration makes (R59), or null for a normal cluster. */
    public StandbyCluster standby() {
        return StandbyCluster.of(standbyCluster);
    }

    public static DynamicConfig defaults() {
        return new DynamicConfig(DEFAULT_TTL, DEFAULT_LOOP_WAIT, DEFAULT_RETRY_TIMEOUT, 1_048_576L, -1L, 0, 300, 0,
                false, false, 1, false, false, false, true, false, Map.of(), List.of(), Map.of(), List.of(), null,
                Map.of());
    }

    public Duration ttlDuration() {
        return Duration.ofSeconds(ttl);
    }

    public Duration loopWaitDuration() {
        return Duration.ofSeconds(loopWait);
    }

    public Duration retryTimeoutDuration() {
        return Duration.ofSeconds(retryTimeout);
    }

    /**
     * Result of building a config: the record plus human-readable warnings about clamped or
     * ignored values (each names the key).
     */
    public record Parsed(DynamicConfig config, List<String> warnings) {
        public Parsed {
            warnings = List.copyOf(warnings);
        }
    }

    /**
     * Parses the DCS {@code config} object (or {@code bootstrap.dcs}) with Patroni's defaults:
     * an invalid value falls back to the default with a warning naming the key, then
     * {@code loop_wait + 2 * retry_timeout <= ttl} (T2) is enforced by reducing {@code loop_wait}
     * first, then {@code retry_timeout}, each with a warning. Pure: no I/O, no logging.
     *
     * <p>Minimums: {@code ttl >= 3} (below it no timing satisfies T2), {@code loop_wait >= 1},
     * {@code retry_timeout >= 1}. Patroni's own minimums (ttl 20, retry_timeout 3) only warn,
     * because end-to-end tests run with short timings.
     *
     * @param raw the JSON object as plain maps, lists, strings, numbers, booleans; null means empty
     */
    public static Parsed fromMap(Map<String, Object> raw) {
        Checked checked = check(raw);
        return new Parsed(checked.config(), checked.problems().stream().map(ConfigProblem::toString).toList());
    }

    /** As {@link #fromMap}, with structured problems (paths relative to the config object). */
    public static Checked check(Map<String, Object> raw) {
        return DynamicConfigParser.parse(raw);
    }

    /**
     * A config with its problems: {@code ERROR} = an invalid value replaced by the default,
     * {@code WARNING} = a clamped, unusual or unsupported value.
     */
    public record Checked(DynamicConfig config, List<ConfigProblem> problems) {
        public Checked {
            problems = List.copyOf(problems);
        }
    }

    private static <V> Map<String, V> unmodifiable(Map<String, V> m) {
        return m == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(m));
    }

    static List<String> newWarnings() {
        return new ArrayList<>();
    }
}
