package io.patronijvm.testkit.junit;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.InvocationInterceptor;
import org.junit.jupiter.api.extension.ReflectiveInvocationContext;
import org.opentest4j.TestAbortedException;

import java.lang.reflect.Method;

/**
 * A test that needs a real component (PostgreSQL, Consul, HAProxy, PgBouncer, patronictl, the
 * agent jar) skips through a JUnit assumption when it is missing. By hand that is fine and says
 * why; in CI a skipped promise is a broken promise (style guideline 22), so there the skip
 * becomes a failure naming the test and what was missing.
 *
 * <p>Strict when {@code CI=true} or under {@code scripts/test} (which sets
 * {@code PATRONI_JVM_BUILD_ROOT} for the test JVMs). Registered for every test through
 * {@code META-INF/services} and {@code junit.jupiter.extensions.autodetection.enabled} (parent pom).
 */
public final class NoSkipsInCi implements InvocationInterceptor {

    /** Whether skips fail the build in this environment. */
    public static boolean strict() {
        return "true".equalsIgnoreCase(System.getenv("CI")) || System.getenv("PATRONI_JVM_BUILD_ROOT") != null;
    }

    @Override
    public void interceptTestMethod(Invocation<Void> invocation, ReflectiveInvocationContext<Method> call,
                                    ExtensionContext context) throws Throwable {
        strictly(invocation, context);
    }

    @Override
    public void interceptTestTemplateMethod(Invocation<Void> invocation, ReflectiveInvocationContext<Method> call,
                                            ExtensionContext context) throws Throwable {
        strictly(invocation, context);
    }

    @Override
    public void interceptBeforeAllMethod(Invocation<Void> invocation, ReflectiveInvocationContext<Method> call,
                                         ExtensionContext context) throws Throwable {
        strictly(invocation, context);
    }

    @Override
    public void interceptBeforeEachMethod(Invocation<Void> invocation, ReflectiveInvocationContext<Method> call,
                                          ExtensionContext context) throws Throwable {
        strictly(invocation, context);
    }

    private static void strictly(Invocation<Void> invocation, ExtensionContext context) throws Throwable {
        try {
            invocation.proceed();
        } catch (TestAbortedException skipped) {
            if (!strict()) {
                throw skipped;
            }
            throw new AssertionError(context.getUniqueId().replaceAll("\\[engine:junit-jupiter]/", "")
                    + " would be skipped in CI, which must not pass on skips: " + skipped.getMessage(), skipped);
        }
    }
}
