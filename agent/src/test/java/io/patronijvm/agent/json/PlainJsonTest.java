package io.patronijvm.agent.json;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.patronijvm.testkit.JsonSamples;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The agent's JSON moved from databind to jackson-jr: the failsafe body and
 * {@code patroni.dynamic.json} must be the same text, a peer's answer the same values of the
 * same number types, and a blank answer still a view of nothing rather than an error.
 */
class PlainJsonTest {

    private static final ObjectMapper DATABIND = new ObjectMapper();

    @Test
    void writesTheTextDatabindWrote() throws Exception {
        for (Object v : JsonSamples.values()) {
            assertThat(PlainJson.write(v)).as("%s", v).isEqualTo(DATABIND.writeValueAsString(v));
        }
    }

    @Test
    void decodesToTheValuesAndNumberTypesDatabindGave() throws Exception {
        for (String text : JsonSamples.texts()) {
            assertThat(JsonSamples.typed(PlainJson.read(text))).as(text)
                    .isEqualTo(JsonSamples.typed(DATABIND.readValue(text, Object.class)));
        }
    }

    @Test
    void viewOfABlankAnswerIsMissingAndOfNonJsonThrows() throws Exception {
        assertThat(PlainJson.view("").path("state").asText("")).isEmpty();
        assertThat(PlainJson.view("").isMissing()).isTrue();
        assertThatThrownBy(() -> PlainJson.view("<html>")).isInstanceOf(IOException.class);
    }

    @Test
    void readObjectRefusesAnythingButAnObject(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("patroni.dynamic.json");
        Files.writeString(f, "{\"ttl\":30,\"postgresql\":{\"parameters\":{\"max_connections\":100}}}");
        assertThat(PlainJson.readObject(f)).containsEntry("ttl", 30)
                .containsEntry("postgresql", Map.of("parameters", Map.of("max_connections", 100)));
        Files.writeString(f, "[1]");
        assertThatThrownBy(() -> PlainJson.readObject(f)).hasMessage("not a JSON object");
        Files.writeString(f, "");
        assertThatThrownBy(() -> PlainJson.readObject(f)).isInstanceOf(IOException.class);
    }
}
