package io.patronijvm.agent.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.patronijvm.core.config.ConfigProblem;
import io.patronijvm.core.config.Etcd3Config;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The {@code etcd3:} section and {@code PATRONI_ETCD3_*} as Patroni 3.0.2 reads them (spec 4.1, 4.4). */
class Etcd3ConfigTest {

    private static final String WITHOUT_DCS = TestConfigs.MINIMAL.replace("consul:\n  host: 127.0.0.1:8500\n", "");

    private static LoadResult load(String dcsSection, Map<String, String> env) {
        return TestConfigs.load(WITHOUT_DCS + dcsSection, env);
    }

    private static Etcd3Config etcd(String dcsSection) {
        LoadResult r = load(dcsSection, Map.of());
        assertThat(r.errors()).as("errors").isEmpty();
        assertThat(r.loaded().config().consul()).isNull();
        assertThat(r.loaded().config().dcsName()).isEqualTo("etcd3");
        return r.loaded().config().etcd3();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "'etcd3:\n  host: 10.0.0.1:2381\n' | http://10.0.0.1:2381",
            "'etcd3:\n  host: 10.0.0.1\n' | http://10.0.0.1:2379",
            "'etcd3:\n  host: 10.0.0.1:2381\n  port: 2390\n' | http://10.0.0.1:2390",
            "'etcd3:\n  hosts: 10.0.0.1:2379,10.0.0.2\n  port: 2390\n' | http://10.0.0.1:2379,http://10.0.0.2:2390",
            "'etcd3:\n  hosts:\n  - 10.0.0.1:2379\n  - 10.0.0.2:2379\n  protocol: https\n' | "
                    + "https://10.0.0.1:2379,https://10.0.0.2:2379",
            "'etcd3:\n  url: https://10.0.0.5:2400\n' | https://10.0.0.5:2400",
            "'etcd3:\n  url: http://10.0.0.5\n  hosts: 10.0.0.1:2379\n' | http://10.0.0.5:2379",
    })
    void endpointsAreResolvedAsPatroniDoes(String yaml, String endpoints) {
        assertThat(String.join(",", etcd(yaml).endpoints())).isEqualTo(endpoints);
    }

    @Test
    void proxyIsUsedAsItIsAndNeverReplacedByTheMemberList() {
        Etcd3Config e = etcd("etcd3:\n  proxy: http://127.0.0.9:23790\n  hosts: 10.0.0.1:2379\n");
        assertThat(e.endpoints()).containsExactly("http://127.0.0.9:23790");
        assertThat(e.useProxies()).isTrue();
    }

    @Test
    void credentialsComeFromTheUrlAloneWhenAUrlIsGiven() {
        Etcd3Config e = etcd("etcd3:\n  url: http://patroni:s3cret@10.0.0.5:2379\n  username: other\n");
        assertThat(e.username()).isEqualTo("patroni");
        assertThat(e.password()).isEqualTo("s3cret");
        Etcd3Config plain = etcd("etcd3:\n  hosts: 10.0.0.1:2379\n  username: patroni\n  password: pw\n"
                + "  cacert: /etc/ca.pem\n");
        assertThat(plain.username()).isEqualTo("patroni");
        assertThat(plain.password()).isEqualTo("pw");
        assertThat(plain.cacert()).isEqualTo("/etc/ca.pem");
        assertThat(plain.toString()).doesNotContain("pw");
    }

    @Test
    void environmentVariablesBuildTheSectionWithItsCredentials() {
        LoadResult r = load("", Map.of("PATRONI_ETCD3_HOSTS", "'127.0.60.1:2379','127.0.60.2:2379'",
                "PATRONI_ETCD3_USERNAME", "patroni", "PATRONI_ETCD3_PASSWORD", "pw", "PATRONI_ETCD3_PROTOCOL", "http"));
        assertThat(r.errors()).isEmpty();
        Etcd3Config e = r.loaded().config().etcd3();
        assertThat(e.endpoints()).containsExactly("http://127.0.60.1:2379", "http://127.0.60.2:2379");
        assertThat(e.username()).isEqualTo("patroni");
        assertThat(e.password()).isEqualTo("pw");
        assertThat(r.loaded().bootstrapDcs().raw()).doesNotContainKey("users");
    }

    @Test
    void srvAliasesAreAcceptedAndNeedNoHost() {
        assertThat(etcd("etcd3:\n  discovery_srv: example.org\n").srv()).isEqualTo("example.org");
        assertThat(etcd("etcd3:\n  srv: example.org\n  srv_suffix: a\n").srvSuffix()).isEqualTo("a");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "'etcd3:\n  protocol: gopher\n  host: 10.0.0.1\n' | etcd3.protocol | not http or https",
            "'etcd3:\n  url: not a url\n' | etcd3.url | is not a URL",
            "'etcd3:\n  username: x\n' | etcd3 | set one of host, hosts, url, proxy or srv",
            "'etcd3:\n  host: 10.0.0.1:99999\n' | etcd3.host | out of range",
            "'etcd3:\n  host: 10.0.0.1\nconsul:\n  host: 127.0.0.1:8500\n' | etcd3 | more than one DCS section",
            "'etcd:\n  host: 10.0.0.1:2379\n' | etcd | etcd3 talks to the same etcd servers",
    })
    void badSectionsAreRefusedNamingTheKey(String yaml, String path, String what) {
        LoadResult r = load(yaml, Map.of());
        assertThat(r.valid()).isFalse();
        assertThat(r.errors()).anySatisfy(p -> {
            assertThat(p.path()).isEqualTo(path);
            assertThat(p.message()).contains(what);
        });
    }

    @Test
    void noDcsSectionNamesBoth() {
        LoadResult r = load("", Map.of());
        assertThat(r.errors()).extracting(ConfigProblem::toString).anyMatch(s -> s.contains("consul or etcd3"));
    }
}
