package io.patronijvm.dcs.etcd;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.patronijvm.core.dcs.wire.JsonView;
import io.patronijvm.testkit.JsonSamples;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The values we put in etcd (/config, /status, /failover, members, history) are read by real
 * Patroni and patronictl: after the move from databind to jackson-jr they must be the same text,
 * and what we decode must be the same values of the same number types.
 */
class EtcdJsonTest {

    private static final ObjectMapper DATABIND = new ObjectMapper();

    @Test
    void writesTheTextDatabindWrote() throws Exception {
        for (Object v : JsonSamples.values()) {
            assertThat(EtcdJson.compact(v)).as("%s", v).isEqualTo(DATABIND.writeValueAsString(v));
        }
    }

    @Test
    void decodesToTheValuesAndNumberTypesDatabindGave() throws Exception {
        for (String text : JsonSamples.texts()) {
            Object theirs = DATABIND.readValue(text, Object.class);
            Object ours = EtcdJson.decode(text).orElse(null);
            assertThat(JsonSamples.typed(ours)).as(text).isEqualTo(JsonSamples.typed(theirs));
        }
    }

    @Test
    void aValueOfAnUnexpectedTypeIsRefusedNamingIt() {
        record NotPlain(int a) {
        }
        assertThatThrownBy(() -> EtcdJson.compact(Map.of("x", new NotPlain(1))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("NotPlain");
    }

    @Test
    void treeOfABlankAnswerIsMissingAndOfNonJsonThrows() throws Exception {
        assertThat(EtcdJson.tree(" ").path("token").asText(null)).isNull();
        assertThatThrownBy(() -> EtcdJson.tree("<html>")).isInstanceOf(
                com.fasterxml.jackson.core.JsonProcessingException.class);
        JsonView r = EtcdJson.tree("{\"header\":{\"revision\":\"9007199254740993\"},\"ID\":7}");
        assertThat(EtcdJson.int64(r.path("header"), "revision")).isEqualTo(9_007_199_254_740_993L);
        assertThat(EtcdJson.int64(r, "ID")).isEqualTo(7);
        assertThat(EtcdJson.int64(r, "TTL")).isZero();
    }

    @Test
    void requestBodiesKeepTheirFieldOrder() {
        assertThat(EtcdJson.compact(EtcdJson.object("key", "a2V5", "range_end", "a2V6", "lease", "12")))
                .isEqualTo("{\"key\":\"a2V5\",\"range_end\":\"a2V6\",\"lease\":\"12\"}");
    }
}
