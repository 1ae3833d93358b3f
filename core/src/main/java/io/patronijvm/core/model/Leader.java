package io.patronijvm.core.model;

import java.util.Objects;

/**
 * The {@code leader} key: the holder's member name, the session that owns it, and the key's
 * modify index (used for compare-and-set deletes).
 */
public record Leader(String name, String session, long version) {
    public Leader {
        Objects.requireNonNull(name, "name");
    }
}
