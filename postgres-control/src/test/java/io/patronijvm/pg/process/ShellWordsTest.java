package io.patronijvm.pg.process;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Commands are split as Patroni's {@code shlex.split} splits them (expected words joined by '|'). */
class ShellWordsTest {

    @ParameterizedTest
    @CsvSource(delimiter = ';', quoteCharacter = '`', value = {
            "python3 backup_create.py --walmethod=stream --dbname=\"host=127.0.0.1 port=5360 user=replicator\";"
                    + "python3|backup_create.py|--walmethod=stream|--dbname=host=127.0.0.1 port=5360 user=replicator",
            "psql -w -c \"SELECT 1\";psql|-w|-c|SELECT 1",
            "a 'b c' d;a|b c|d",
            "`  spaced   out  `;spaced|out",
            "a\\ b \"q\\\"x\" 'no\\esc';a b|q\"x|no\\esc",
            "x\"\"y '';xy|",
    })
    void splitsLikeShlex(String line, String expected) {
        assertThat(ShellWords.split(line)).isEqualTo(Arrays.asList(expected.split("\\|", -1)));
    }

    @Test
    void unclosedQuoteIsAnErrorNamingTheCommand() {
        assertThatThrownBy(() -> ShellWords.split("restore --dir='/x")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unclosed ' quote").hasMessageContaining("restore --dir='/x");
    }
}
