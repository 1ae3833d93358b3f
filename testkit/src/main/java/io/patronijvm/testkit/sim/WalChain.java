package io.patronijvm.testkit.sim;

import java.util.ArrayList;
import java.util.List;

/**
 * The timeline history of one PostgreSQL model: a list of WAL segments, oldest first. Each
 * segment carries a world-unique {@code id} (so two promotions that both produce "timeline 2"
 * are still told apart, which is what lets the simulator detect forks) and the PostgreSQL
 * timeline number it would show. A segment ends where the next one starts (the switch point).
 *
 * <p>Immutable; every change returns a new chain.
 */
public record WalChain(List<Segment> segments) {

    /** One timeline's stretch of WAL: {@code startLsn} is where it branched off its parent. */
    public record Segment(long id, int timeline, long startLsn) {
    }

    public WalChain {
        if (segments.isEmpty()) {
            throw new IllegalArgumentException("a WAL chain needs at least one segment");
        }
        segments = List.copyOf(segments);
    }

    public static WalChain initial(long id) {
        return new WalChain(List.of(new Segment(id, 1, 0)));
    }

    public Segment current() {
        return segments.get(segments.size() - 1);
    }

    public int timeline() {
        return current().timeline();
    }

    /** A new timeline branching at {@code atLsn}: what promote does (timeline = highest + 1). */
    public WalChain branch(long newId, long atLsn) {
        return branch(newId, atLsn, 0);
    }

    /**
     * {@link #branch(long, long)} with history files for timelines up to {@code reserved} in place:
     * PostgreSQL takes the next number after the highest history file it finds.
     */
    public WalChain branch(long newId, long atLsn, int reserved) {
        int maxTl = Math.max(reserved, segments.stream().mapToInt(Segment::timeline).max().orElse(0));
        return append(new Segment(newId, maxTl + 1, atLsn));
    }

    /**
     * A silent fork: new identity, same timeline number. Models a former replica started as a
     * primary without promote: it writes WAL nobody else has, on a timeline others think they share.
     */
    public WalChain fork(long newId, long atLsn) {
        return append(new Segment(newId, timeline(), atLsn));
    }

    private WalChain append(Segment s) {
        List<Segment> next = new ArrayList<>(segments);
        next.add(s);
        return new WalChain(next);
    }

    private int indexOf(long segmentId) {
        for (int i = 0; i < segments.size(); i++) {
            if (segments.get(i).id() == segmentId) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Whether WAL up to {@code lsn} on segment {@code segmentId} is part of this history, given
     * that the owner's own position on its current segment is {@code ownLsn}.
     */
    public boolean contains(long segmentId, long lsn, long ownLsn) {
        int i = indexOf(segmentId);
        if (i < 0) {
            return false;
        }
        long end = i == segments.size() - 1 ? ownLsn : segments.get(i + 1).startLsn();
        return lsn <= end;
    }

    /**
     * Whether a node with this chain at {@code ownLsn} can continue by streaming from a source
     * with chain {@code source}: our current segment must be in the source's history and, if the
     * source moved on to a later timeline, we must not be past the switch point.
     */
    public boolean canFollow(WalChain source, long ownLsn) {
        int i = source.indexOf(current().id());
        if (i < 0) {
            return false;
        }
        return i == source.segments.size() - 1 || ownLsn <= source.segments.get(i + 1).startLsn();
    }

    /**
     * R37 as PostgreSQL's files let it be decided (Patroni's {@code _check_timeline_and_lsn}, our
     * {@code Rewinder.decide}): a higher local timeline needs a rewind, an equal one does not, a lower
     * one is compared with the switch point in the leader's history file. Identities are not
     * visible: the history file lists timeline numbers and switch points only.
     */
    public io.patronijvm.core.pg.RewindVerdict divergenceAsPostgresSees(WalChain leader, long ownLsn,
                                                                        boolean replica) {
        int mine = timeline();
        if (mine > leader.timeline()) {
            return io.patronijvm.core.pg.RewindVerdict.NEEDED;
        }
        if (mine == leader.timeline()) {
            return io.patronijvm.core.pg.RewindVerdict.NOT_NEEDED;
        }
        List<Segment> ls = leader.segments;
        for (int i = 1; i < ls.size(); i++) {
            int parent = ls.get(i - 1).timeline();
            if (ls.get(i).timeline() == parent) {
                continue; // a silent fork writes no history file entry
            }
            long switchPoint = ls.get(i).startLsn();
            if (parent == mine) {
                boolean needed = replica ? ownLsn > switchPoint : ownLsn >= switchPoint;
                return needed ? io.patronijvm.core.pg.RewindVerdict.NEEDED : io.patronijvm.core.pg.RewindVerdict.NOT_NEEDED;
            }
            if (parent > mine) {
                return io.patronijvm.core.pg.RewindVerdict.NEEDED;
            }
        }
        return io.patronijvm.core.pg.RewindVerdict.NEEDED;
    }

    /** The last LSN both histories share (where they diverged), given both positions. */
    public long commonPoint(long ownLsn, WalChain other, long otherLsn) {
        long common = 0;
        for (int i = 0; i < Math.min(segments.size(), other.segments.size()); i++) {
            Segment a = segments.get(i);
            Segment b = other.segments.get(i);
            if (a.id() != b.id()) {
                return Math.min(common, Math.min(a.startLsn(), b.startLsn()));
            }
            long endA = i == segments.size() - 1 ? ownLsn : segments.get(i + 1).startLsn();
            long endB = i == other.segments.size() - 1 ? otherLsn : other.segments.get(i + 1).startLsn();
            common = Math.min(endA, endB);
        }
        return common;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        for (Segment s : segments) {
            sb.append(sb.isEmpty() ? "" : ">").append("tl").append(s.timeline()).append('#').append(s.id())
                    .append('@').append(s.startLsn());
        }
        return sb.toString();
    }
}
