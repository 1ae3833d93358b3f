package io.patronijvm.core.ha;

import io.patronijvm.core.model.Failover;
import io.patronijvm.core.model.Member;
import io.patronijvm.core.peer.PeerStatus;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Manual switchover and failover (spec 3.6): the leader's side (R30) and the replicas' side (R31). */
final class FailoverRules {

    private FailoverRules() {
    }

    /**
     * R30 {@code process_manual_failover_from_leader}: what the leader does about the
     * {@code failover} key. Either the cycle's decision (demote, probe), or the leader goes on
     * with its normal duties, possibly with a key to clear first and a sentence of its own.
     */
    static Step leaderSide(HaInput in) {
        Failover f = Facts.failover(in);
        if (f == null || (in.paused() && !in.pg().isPrimary())) {
            return Step.NEXT;
        }
        if (f.scheduledAt() != null) {
            if (in.paused()) {
                return Step.NEXT;  // R46: scheduled switchover is not done in pause; the key stays
            }
            long delta = Duration.between(in.wallNow(), f.scheduledAt().toInstant()).toMillis();
            if (delta > 0) {
                return Step.report(List.of(), Reason.SWITCHOVER_SCHEDULED,
                        "no action. I am (" + in.self() + "), the leader with the lock; awaiting switchover at "
                                + f.scheduledAt() + " (in " + (delta + 999) / 1000 + " seconds)");
            }
            if (-delta > in.config().loopWait() * 1500L) {
                return clear(f, "found a stale switchover value, cleaning up: " + f.scheduledAt());
            }
        }
        if (f.hasLeader() && !f.leader().equals(in.self())) {
            return clear(f, "manual failover: leader name does not match: " + f.leader() + " != "
                    + in.self());
        }
        if (f.hasCandidate() && f.candidate().equals(in.self())) {
            return clear(f, "manual failover: I am already the leader, no need to failover");
        }
        if (!f.hasCandidate() && in.paused()) {
            return clear(f, "switchover is possible only to a specific candidate in a paused state");
        }
        Verdict possible = Healthiest.isFailoverPossible(in, false);
        if (possible.needsProbe()) {
            return Step.done(Decision.of(Reason.PROBING_PEERS, "manual failover: checking candidates",
                    new Action.ProbePeers(possible.probe())));
        }
        if (possible.no()) {
            return clear(f, "manual failover: no healthy members found, failover is not possible");
        }
        Member target = f.hasCandidate() ? in.view().member(f.candidate()).orElse(null) : null;
        return Step.done(Decision.of(Reason.SWITCHOVER_DEMOTE, "manual failover: demoting myself",
                new Action.Demote(DemoteMode.GRACEFUL, Facts.upstreamOf(in, target))));
    }

    private static Step clear(Failover f, String why) {
        return Step.report(List.of(new Action.ClearFailover(f.version())), Reason.FAILOVER_KEY_CLEARED, why);
    }

    /**
     * R31 {@code manual_failover_process_no_leader}: may this replica race given the failover key.
     * Returns null when the key does not decide (Patroni's None, which the race treats as no).
     */
    static Verdict noLeaderFailover(HaInput in, Failover f) {
        if (f.hasCandidate()) {
            if (f.candidate().equals(in.self())) {
                return Verdict.yes("I am the failover candidate");
            }
            Optional<Member> candidate = in.view().member(f.candidate());
            if (in.paused()) {
                if (candidate.isEmpty() && in.pg().isPrimary()) {
                    return Verdict.no("manual failover: removing failover key because the candidate is not running")
                            .with(List.of(new Action.ClearFailover(f.version())));
                }
                return Verdict.no("paused, waiting for the failover candidate " + f.candidate());
            }
            if (in.config().synchronousMode()
                    && (in.view().sync() == null || !in.view().sync().matches(in.self()))) {
                return Verdict.no("synchronous mode and I am not a synchronous standby");
            }
            if (candidate.isPresent() && candidate.get().api().isPresent()) {
                PeerStatus st = in.peers().get(f.candidate());
                if (st == null) {
                    return Verdict.probe(List.of(candidate.get()));
                }
                if (Facts.usable(st)) {
                    return Verdict.no("manual failover: to " + f.candidate() + ", i am " + in.self());
                }
            }
            // the named candidate is unhealthy: any member may take over, as if no candidate was named
        } else if (in.paused()) {
            return Verdict.no("paused");
        }
        if (f.hasLeader() && f.leader().equals(in.self())) {
            Verdict other = Healthiest.isFailoverPossible(in, f.hasCandidate());
            if (other.needsProbe()) {
                return other;
            }
            return other.yes() ? Verdict.no("another member can take over from me")
                    : Verdict.yes("I was the leader and I am the only healthy member");
        }
        List<Member> members = in.view().members().stream()
                .filter(m -> !m.name().equals(f.leader()))
                .filter(m -> !Facts.syncModeActive(in) || in.view().sync().matches(m.name()))
                .toList();
        return Healthiest.compareWithPeers(in, members, false);
    }
}
