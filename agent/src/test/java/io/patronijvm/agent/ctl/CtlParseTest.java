package io.patronijvm.agent.ctl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.patronijvm.agent.config.CtlConfig;
import io.patronijvm.core.time.Sleeper;
import java.io.ByteArrayInputStream;
import java.io.PrintStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** -s values as PyYAML reads them, the picocli-free parse of list/topology, and --dcs-url for etcd. */
class CtlParseTest {

    private static Ctl ctl() {
        PrintStream devNull = new PrintStream(OutputStream.nullOutputStream());
        return new Ctl(Map.of(), new ByteArrayInputStream(new byte[0]), devNull, devNull, Sleeper.SYSTEM);
    }

    /** Each value as the real patronictl 3.0.2 stored it after {@code edit-config -s x.<k>=<v>} (side by side run). */
    @Test
    void setValuesAreReadByYaml11RulesAsPatronictlReadsThem() throws Exception {
        Map<String, Object> out = new ConfigEdits(ctl()).set(new LinkedHashMap<>(), List.of("x.a=on", "x.b=0755",
                "x.c=1_000", "x.d=1:30", "x.e=yes", "x.g=Off", "x.i=0x1F", "x.j=1.5e+3", "x.k=0b101", "x.l=NO",
                "x.m=[on, 1, 2.0]", "x.n=190:20:30", "x.o=-0o7", "x.p=1.0", "x.q='on'", "x.r=.5", "x.s=+12", "x.u=0",
                "x.v=-0", "x.w=1e5", "x.big=123456789012345678901"));
        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("a", true);
        expected.put("b", 493);
        expected.put("c", 1000);
        expected.put("d", 90);
        expected.put("e", true);
        expected.put("g", false);
        expected.put("i", 31);
        expected.put("j", 1500.0);
        expected.put("k", 5);
        expected.put("l", false);
        expected.put("m", List.of(true, 1, 2.0));
        expected.put("n", 685230);
        expected.put("o", "-0o7");
        expected.put("p", 1.0);
        expected.put("q", "on");
        expected.put("r", 0.5);
        expected.put("s", 12);
        expected.put("u", 0);
        expected.put("v", 0);
        expected.put("w", "1e5");
        expected.put("big", new BigInteger("123456789012345678901"));
        assertThat(out).containsExactly(Map.entry("x", expected));
    }

    @Test
    void aBrokenYamlValueIsNamed() {
        assertThatThrownBy(() -> new ConfigEdits(ctl()).set(new LinkedHashMap<>(), List.of("x=[1, 2")))
                .isInstanceOf(CtlException.class).hasMessageContaining("the value of x=[1, 2 is not valid YAML");
    }

    @Test
    void thePlainFormsOfListAreParsedWithoutPicocli() {
        Ctl ctl = ctl();
        var cmd = QuickParse.parse(ctl, "-c", "/etc/p.yml", "-k", "list", "demo", "-e", "-t", "-f", "json", "-w", "1.5");
        assertThat(cmd).isInstanceOf(ReadCommands.ListCmd.class);
        ReadCommands.ListCmd list = (ReadCommands.ListCmd) cmd;
        assertThat(list.clusters).containsExactly("demo");
        assertThat(list.extended).isTrue();
        assertThat(list.ts).isTrue();
        assertThat(list.fmt).isEqualTo("json");
        assertThat(list.watch).isEqualTo(1.5);
        assertThat(list.ctl).isSameAs(ctl);
        assertThat(ctl.configFile).isEqualTo("/etc/p.yml");
        assertThat(ctl.insecure).isTrue();
        assertThat(QuickParse.parse(ctl(), "topology", "-W")).isInstanceOf(ReadCommands.TopologyCmd.class);
    }

    /** Everything else goes to picocli, so its help and its error messages stay the same. */
    @Test
    void anythingButThePlainFormsIsLeftToPicocli() {
        for (List<String> args : List.<List<String>>of(List.of("list", "--format=json"), List.of("list", "-et"), List.of("list", "-h"),
                List.of("list", "-f", "xml"), List.of("list", "-w"), List.of("list", "-w", "x"), List.of("topology", "-e"),
                List.of("history"), List.of("--help"), List.of(), List.of("-c"), List.of("list", "--", "demo"))) {
            assertThat(QuickParse.parse(ctl(), args.toArray(String[]::new))).as(args.toString()).isNull();
        }
    }

    @Test
    void etcdUrlsGiveAnEtcd3Section() throws Exception {
        CtlConfig c = CtlConfig.load(Path.of("/nonexistent"), false, "etcd3://10.0.0.5:2381", false, Map.of());
        assertThat(c.consul()).isNull();
        assertThat(c.etcd3().endpoints()).containsExactly("http://10.0.0.5:2381");
        assertThat(c.dcsAddress()).isEqualTo("etcd3 at http://10.0.0.5:2381");
        CtlConfig v2Url = CtlConfig.load(null, false, "etcd://10.0.0.5", false, Map.of());
        assertThat(v2Url.etcd3().endpoints()).containsExactly("http://10.0.0.5:2379");
        CtlConfig consul = CtlConfig.load(null, false, "10.0.0.5:8500", false, Map.of());
        assertThat(consul.consul().baseUrl()).isEqualTo("http://10.0.0.5:8500");
    }
}
