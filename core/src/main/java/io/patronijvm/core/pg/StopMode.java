package io.patronijvm.core.pg;

/** How to stop the postmaster: smart = SIGTERM, fast = SIGINT, immediate = SIGQUIT. */
public enum StopMode { SMART, FAST, IMMEDIATE }
