package io.patronijvm.dcs.consul;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.patronijvm.testkit.JsonSamples;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The values we put in Consul (/config, /status, /failover, members, history) are read by real
 * Patroni and patronictl: after the move from databind to jackson-jr they must be the same text,
 * and what we decode must be the same values of the same number types.
 */
class ConsulJsonTest {

    private static final ObjectMapper DATABIND = new ObjectMapper();

    @Test
    void writesTheTextDatabindWrote() throws Exception {
        for (Object v : JsonSamples.values()) {
            assertThat(ConsulJson.compact(v)).as("%s", v).isEqualTo(DATABIND.writeValueAsString(v));
        }
    }

    @Test
    void decodesToTheValuesAndNumberTypesDatabindGave() throws Exception {
        for (String text : JsonSamples.texts()) {
            Object theirs = DATABIND.readValue(text, Object.class);
            Object ours = ConsulJson.decode(text).orElse(null);
            assertThat(JsonSamples.typed(ours)).as(text).isEqualTo(JsonSamples.typed(theirs));
        }
    }

    @Test
    void aValueOfAnUnexpectedTypeIsRefusedNamingIt() {
        record NotPlain(int a) {
        }
        assertThatThrownBy(() -> ConsulJson.compact(Map.of("x", new NotPlain(1))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("NotPlain");
    }

    @Test
    void viewRefusesTextThatIsNotJson() throws Exception {
        assertThat(ConsulJson.view("").path("ID").isMissing()).isTrue();
        assertThatThrownBy(() -> JsonValues.parse(" ")).hasMessageContaining("no JSON value");
        assertThatThrownBy(() -> ConsulJson.view("[1,")).isInstanceOf(
                com.fasterxml.jackson.core.JsonProcessingException.class);
        assertThat(ConsulJson.view("{\"ID\":\"abc\"}").path("ID").asText("")).isEqualTo("abc");
    }
}
