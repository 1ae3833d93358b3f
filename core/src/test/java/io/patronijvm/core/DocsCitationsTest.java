package io.patronijvm.core;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Style guideline 21: every rule number, decision, timing rule, reference section and scenario
 * a source file cites has a section in docs/rules.md, so the repository explains itself.
 */
class DocsCitationsTest {

    private static final Pattern CITATION = Pattern.compile(
            "\\b(R[0-9]{1,2}(?:\\.[0-9]+)?|T[1-6]|[Dd]ecision [0-9]|spec [0-9]\\.[0-9]+|scenario [0-9]+)\\b");

    @Test
    void everyCitationInTheSourcesHasASection() throws IOException {
        Path root = Path.of(System.getProperty("user.dir")).getParent();
        String rules = Files.readString(root.resolve("docs/rules.md"));
        Set<String> cited = new TreeSet<>();
        try (Stream<Path> files = Files.walk(root)) {
            files.filter(p -> p.toString().endsWith(".java") && p.toString().contains("/src/"))
                    .filter(p -> !p.toString().contains("/target/"))
                    .forEach(p -> cited.addAll(citations(p)));
        }
        assertThat(cited).as("citations found in the sources").hasSizeGreaterThan(50);
        Set<String> missing = new TreeSet<>();
        for (String c : cited) {
            if (!resolves(rules, c)) {
                missing.add(c);
            }
        }
        assertThat(missing).as("cited in the code but without a section in docs/rules.md").isEmpty();
    }

    private static Set<String> citations(Path file) {
        Set<String> out = new TreeSet<>();
        try {
            Matcher m = CITATION.matcher(Files.readString(file));
            while (m.find()) {
                out.add(m.group(1).replace("Decision", "decision"));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /** A heading for the citation, or, for a sub-rule such as R23.11, its rule's heading and a mention. */
    private static boolean resolves(String rules, String c) {
        String heading = c.startsWith("decision") ? "### Decision " + c.substring("decision ".length()) : "### " + c;
        if (rules.contains(heading + "\n")) {
            return true;
        }
        int dot = c.indexOf('.');
        return c.startsWith("R") && dot > 0 && rules.contains("### " + c.substring(0, dot) + "\n") && rules.contains(c);
    }
}
