package io.patronijvm.agent.sim;

import io.patronijvm.agent.ha.HaLoop;

import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.MalformedURLException;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A mutant of one product class for the simulator: the class's real source with one textual
 * change, compiled at test time and loaded, with the agent's classes and the simulator, into a
 * class loader of its own. So a guard deep inside the executor (the lease check right before
 * {@code pg_ctl promote}) or the REST API's health rule can be broken without the product
 * carrying a hook that only tests use, and the classes of this JVM stay unmutated.
 *
 * <p>Everything that could make the mutant not run throws: the source file is missing, the text
 * to replace is not found exactly once (the product changed: update the mutant), no compiler,
 * the mutant does not compile. A mutation test therefore fails, never passes, when it cannot run.
 */
final class SourceMutant {

    /**
     * @param module  the Maven module holding the class ({@code agent}, {@code core})
     * @param type    the class's binary name
     * @param from    the exact text of the source to replace (must occur once)
     * @param to      what replaces it
     */
    record Change(String module, String type, String from, String to) {
    }

    private SourceMutant() {
    }

    /**
     * Runs seeds 1..{@code seeds} of the simulation with the mutated class and returns the lowest
     * failing seed's {@link SimRunner.Failure#report()} fields as {seed, violation, report}, or null.
     */
    static String[] firstFailure(Change change, long seeds) {
        Path out = compile(change);
        try (MutantLoader loader = new MutantLoader(out, change.type())) {
            Class<?> runner = Class.forName(SimRunner.class.getName(), true, loader);
            if (runner.getClassLoader() != loader) {
                throw new IllegalStateException("the simulator was not loaded with the mutant");
            }
            Method m = runner.getDeclaredMethod("firstFailure", long.class);
            m.setAccessible(true);
            return (String[]) m.invoke(null, seeds);
        } catch (InvocationTargetException e) {
            throw new IllegalStateException("the mutant simulation crashed", e.getCause());
        } catch (ReflectiveOperationException | IOException e) {
            throw new IllegalStateException("cannot run the mutant of " + change.type(), e);
        } finally {
            deleteTree(out);
        }
    }

    private static Path compile(Change change) {
        Path source = projectRoot().resolve(change.module()).resolve("src/main/java")
                .resolve(outerName(change.type()).replace('.', '/') + ".java");
        String text;
        try {
            text = Files.readString(source, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("mutant source " + source + " cannot be read", e);
        }
        int at = text.indexOf(change.from());
        if (at < 0 || text.indexOf(change.from(), at + 1) >= 0) {
            throw new IllegalStateException("the text to mutate occurs " + (at < 0 ? "nowhere" : "more than once")
                    + " in " + source + " (the product changed: update the mutant): " + change.from());
        }
        String mutated = text.substring(0, at) + change.to() + text.substring(at + change.from().length());
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        if (javac == null) {
            throw new IllegalStateException("no Java compiler in this JVM (" + System.getProperty("java.home")
                    + "): the mutation tests need a JDK");
        }
        try {
            Path dir = Files.createTempDirectory("sim-mutant-");
            Path src = dir.resolve("src").resolve(source.getFileName());
            Path classes = Files.createDirectories(dir.resolve("classes"));
            Files.createDirectories(src.getParent());
            Files.writeString(src, mutated, StandardCharsets.UTF_8);
            DiagnosticCollector<JavaFileObject> diags = new DiagnosticCollector<>();
            try (StandardJavaFileManager files = javac.getStandardFileManager(diags, null, StandardCharsets.UTF_8)) {
                List<String> options = List.of("--release", "21", "-proc:none", "-nowarn", "-d", classes.toString(),
                        "-classpath", testClassPath());
                boolean ok = javac.getTask(null, files, diags, options, null, files.getJavaFileObjects(src)).call();
                if (!ok) {
                    throw new IllegalStateException("the mutant of " + change.type() + " does not compile: "
                            + diags.getDiagnostics().stream().filter(d -> d.getKind() == Diagnostic.Kind.ERROR)
                            .map(d -> d.getLineNumber() + ": " + d.getMessage(null)).collect(Collectors.joining("; ")));
                }
            }
            return classes;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot compile the mutant of " + change.type(), e);
        }
    }

    private static String outerName(String type) {
        int dollar = type.indexOf('$');
        return dollar < 0 ? type : type.substring(0, dollar);
    }

    /** The module directories sit beside the agent's; surefire runs in the module directory. */
    private static Path projectRoot() {
        Path agentClasses = codeSource(HaLoop.class);
        Path root = agentClasses.getParent().getParent().getParent(); // agent/target/classes -> root
        if (!Files.isDirectory(root.resolve("agent/src/main/java"))) {
            throw new IllegalStateException("no project sources beside " + agentClasses);
        }
        return root;
    }

    private static String testClassPath() {
        String cp = System.getProperty("surefire.test.class.path");
        return cp != null && !cp.isBlank() ? cp : System.getProperty("java.class.path");
    }

    static Path codeSource(Class<?> c) {
        try {
            return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException("where " + c.getName() + " was loaded from", e);
        }
    }

    private static void deleteTree(Path dir) {
        Path root = dir.getParent();
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove the mutant's temporary directory " + root, e);
        }
    }

    /**
     * Child first for the agent's classes (main and test) and for the mutated class, whose
     * compiled files come first; everything else (core, testkit, libraries) from the parent.
     * The mutant may use only public members of other classes in its package when it is not an
     * agent class (a runtime package is per loader).
     */
    private static final class MutantLoader extends URLClassLoader {

        private final String mutated;
        private final Set<String> mutantFiles;

        MutantLoader(Path mutantClasses, String type) throws MalformedURLException {
            super("sim-mutant", urls(mutantClasses), SourceMutant.class.getClassLoader());
            this.mutated = outerName(type);
            try (Stream<Path> s = Files.walk(mutantClasses)) {
                this.mutantFiles = s.filter(p -> p.toString().endsWith(".class"))
                        .map(p -> mutantClasses.relativize(p).toString().replace('/', '.').replaceAll("\\.class$", ""))
                        .collect(Collectors.toUnmodifiableSet());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            if (!mutantFiles.contains(mutated)) {
                throw new IllegalStateException("javac wrote no " + mutated + " (" + mutantFiles + ")");
            }
        }

        private static URL[] urls(Path mutantClasses) throws MalformedURLException {
            List<URL> urls = new ArrayList<>();
            urls.add(mutantClasses.toUri().toURL());
            urls.add(codeSource(HaLoop.class).toUri().toURL());
            urls.add(codeSource(SimWorld.class).toUri().toURL());
            return urls.toArray(URL[]::new);
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            boolean ours = name.startsWith("io.patronijvm.agent.") || mutantFiles.contains(name)
                    || name.equals(mutated) || name.startsWith(mutated + "$");
            if (!ours) {
                return super.loadClass(name, resolve);
            }
            synchronized (getClassLoadingLock(name)) {
                Class<?> c = findLoadedClass(name);
                if (c == null) {
                    c = findClass(name);
                }
                if (resolve) {
                    resolveClass(c);
                }
                return c;
            }
        }
    }
}
