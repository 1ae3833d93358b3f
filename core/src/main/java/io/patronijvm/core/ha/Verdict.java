package io.patronijvm.core.ha;

import io.patronijvm.core.model.Member;

import java.util.List;

/**
 * An answer of the health checks (R23, R30, R31): yes, no (with why), or "probe these peers
 * first and ask again". {@code extra} carries side actions a check decided (R31: clear a failover
 * key whose candidate is gone).
 */
record Verdict(Kind kind, String why, List<Member> probe, List<Action> extra) {

    enum Kind { YES, NO, PROBE }

    Verdict {
        probe = probe == null ? List.of() : List.copyOf(probe);
        extra = extra == null ? List.of() : List.copyOf(extra);
    }

    static Verdict yes(String why) {
        return new Verdict(Kind.YES, why, null, null);
    }

    static Verdict no(String why) {
        return new Verdict(Kind.NO, why, null, null);
    }

    static Verdict probe(List<Member> members) {
        return new Verdict(Kind.PROBE, "probing peers", members, null);
    }

    Verdict with(List<Action> actions) {
        return new Verdict(kind, why, probe, actions);
    }

    boolean yes() {
        return kind == Kind.YES;
    }

    boolean no() {
        return kind == Kind.NO;
    }

    boolean needsProbe() {
        return kind == Kind.PROBE;
    }
}
