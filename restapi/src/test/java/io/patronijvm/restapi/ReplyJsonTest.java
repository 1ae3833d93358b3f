package io.patronijvm.restapi;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.patronijvm.testkit.JsonSamples;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The REST API's JSON moved from databind to jackson-jr: patronictl, HAProxy checks and Patroni's
 * acceptance suite read these bodies, so they must stay byte for byte what databind wrote, and
 * a decoded peer answer must hold the same values of the same number types.
 */
class ReplyJsonTest {

    private static final ObjectMapper DATABIND = new ObjectMapper();

    @Test
    void writesTheBytesDatabindWrote() throws Exception {
        for (Object v : JsonSamples.values()) {
            String ours = new String(Reply.JSON_VALUES.asBytes(v), StandardCharsets.UTF_8);
            // bytes against bytes: the UTF-8 generator escapes what the String one does not (emoji)
            assertThat(ours).as("%s", v)
                    .isEqualTo(new String(DATABIND.writeValueAsBytes(v), StandardCharsets.UTF_8));
        }
    }

    @Test
    void decodesToTheValuesAndNumberTypesDatabindGave() throws Exception {
        for (String text : JsonSamples.texts()) {
            Object ours = Reply.JSON_VALUES.anyFrom(text);
            Object theirs = DATABIND.readValue(text, Object.class);
            assertThat(ours).as(text).isEqualTo(theirs);
            assertThat(JsonSamples.typed(ours)).as(text).isEqualTo(JsonSamples.typed(theirs));
        }
    }

    @Test
    void refusesBeansInsteadOfGuessingTheirShape() {
        record NotPlain(int a) {
        }
        assertThatThrownBy(() -> Reply.JSON_VALUES.asBytes(Map.of("x", new NotPlain(1))))
                .isInstanceOf(IOException.class).hasMessageContaining("NotPlain");
    }
}
