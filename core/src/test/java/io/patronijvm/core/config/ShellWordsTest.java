package io.patronijvm.core.config;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The word splitting Patroni applies (shlex.split) to post_bootstrap, bootstrap methods, replica methods and callbacks. */
class ShellWordsTest {

    @Test
    void doubleQuotedSqlStaysOneArgument() {
        assertThat(ShellWords.split("psql -w -c \"SELECT 1\"")).containsExactly("psql", "-w", "-c", "SELECT 1");
    }

    @Test
    void singleQuotesAreLiteralAndBackslashEscapes() {
        assertThat(ShellWords.split("sh -c 'echo \"$x\" \\n'  a\\ b")).containsExactly("sh", "-c", "echo \"$x\" \\n", "a b");
    }

    @Test
    void doubleQuotesHonourOnlyShellEscapes() {
        assertThat(ShellWords.split("echo \"a\\\"b\\n\" \"\" x")).containsExactly("echo", "a\"b\\n", "", "x");
    }

    @Test
    void adjacentPartsJoinIntoOneWord() {
        assertThat(ShellWords.split("  --opt='a b'\"c\"d  ")).isEqualTo(List.of("--opt=a bcd"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"echo 'abc|single", "echo \"abc|double", "echo abc\\|backslash"})
    void unclosedQuotesAreRejected(String command, String what) {
        assertThatThrownBy(() -> ShellWords.split(command)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(what).hasMessageContaining(command);
    }
}
