package io.patronijvm.core.status;

import io.patronijvm.core.model.Role;

import java.time.Duration;
import java.time.OffsetDateTime;

/**
 * {@code POST /restart}'s body after validation.
 *
 * @param schedule        when to restart, or null for now
 * @param role            only restart if the node has this role, or null
 * @param postgresVersion only restart if the running server version is lower than this (e.g. 150005), or 0
 * @param timeout         overrides primary_start_timeout, or null
 * @param restartPending  only restart when a restart is pending
 */
public record RestartRequest(OffsetDateTime schedule, Role role, int postgresVersion, Duration timeout,
                             boolean restartPending) {
}
