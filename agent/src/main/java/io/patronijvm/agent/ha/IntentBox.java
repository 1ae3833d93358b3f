package io.patronijvm.agent.ha;

import io.patronijvm.core.ha.Action;
import io.patronijvm.core.ha.ReinitIntent;
import io.patronijvm.core.ha.RestartIntent;
import io.patronijvm.core.status.IntentResult;

import java.util.concurrent.CompletableFuture;

/**
 * Operator requests waiting for the loop (style guideline 12): REST threads put an intent here
 * and wait on its future; the loop reads it as decision input and answers it. At most one of
 * each kind is pending; a second one is a CONFLICT.
 */
public final class IntentBox {

    private RestartIntent restart;
    private CompletableFuture<IntentResult> restartAnswer;
    private ReinitIntent reinit;
    private CompletableFuture<IntentResult> reinitAnswer;

    /** Records a restart; the future completes when the loop handled it. Null when one is pending. */
    public synchronized CompletableFuture<IntentResult> offerRestart(RestartIntent intent) {
        if (restart != null) {
            return null;
        }
        restart = intent;
        restartAnswer = new CompletableFuture<>();
        return restartAnswer;
    }

    public synchronized CompletableFuture<IntentResult> offerReinit(ReinitIntent intent) {
        if (reinit != null) {
            return null;
        }
        reinit = intent;
        reinitAnswer = new CompletableFuture<>();
        return reinitAnswer;
    }

    public synchronized RestartIntent restart() {
        return restart;
    }

    public synchronized ReinitIntent reinit() {
        return reinit;
    }

    /** The loop started the action the intent asked for. */
    public synchronized void accepted(Action.IntentKind kind, String message) {
        complete(kind, IntentResult.done(message));
    }

    public synchronized void refuse(Action.IntentKind kind, String why) {
        complete(kind, IntentResult.refused(why));
    }

    /**
     * The loop started the action an intent asked for: removes the intent (so the next cycle does
     * not act on it again) and hands back its future, or null when none was pending. The caller
     * completes the future when the action finished.
     */
    public synchronized CompletableFuture<IntentResult> claim(Action.IntentKind kind) {
        CompletableFuture<IntentResult> f;
        if (kind == Action.IntentKind.RESTART) {
            f = restart == null ? null : restartAnswer;
            restart = null;
            restartAnswer = null;
        } else {
            f = reinit == null ? null : reinitAnswer;
            reinit = null;
            reinitAnswer = null;
        }
        return f;
    }

    public synchronized boolean cancelRestart() {
        boolean had = restart != null;
        complete(Action.IntentKind.RESTART, IntentResult.refused("cancelled"));
        return had;
    }

    private void complete(Action.IntentKind kind, IntentResult r) {
        if (kind == Action.IntentKind.RESTART) {
            if (restartAnswer != null) {
                restartAnswer.complete(r);
            }
            restart = null;
            restartAnswer = null;
        } else {
            if (reinitAnswer != null) {
                reinitAnswer.complete(r);
            }
            reinit = null;
            reinitAnswer = null;
        }
    }
}
