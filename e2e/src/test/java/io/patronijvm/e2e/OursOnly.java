package io.patronijvm.e2e;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** A scenario about our agent's own behaviour, skipped when the run uses real Patroni. */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@interface OursOnly {
    /** Why Patroni is not held to it. */
    String value();
}
