package io.patronijvm.core.pg;

/** What the data directory holds, as far as the agent can tell without starting PostgreSQL. */
public enum DataDirState {
    /** Missing or empty: the node can bootstrap or clone into it. */
    EMPTY,
    /** A PostgreSQL data directory ({@code PG_VERSION} and {@code global/pg_control} present). */
    VALID,
    /** Not empty and not a data directory, or unreadable: never touched, never deleted. */
    INVALID
}
