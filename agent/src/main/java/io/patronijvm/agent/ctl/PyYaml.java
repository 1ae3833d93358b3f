package io.patronijvm.agent.ctl;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.snakeyaml.engine.v2.api.Dump;
import org.snakeyaml.engine.v2.api.DumpSettings;
import org.snakeyaml.engine.v2.common.FlowStyle;

/**
 * YAML as patronictl prints it (PyYAML's {@code safe_dump}: keys sorted, width 200, block or
 * flow style). PyYAML resolves plain scalars by YAML 1.1 rules, so a string that 1.1 would read
 * as something else ({@code 'yes'}, {@code '0755'}, a timestamp) is quoted; {@link Yaml11}'s resolver
 * gives snakeyaml-engine's emitter the same rules.
 */
final class PyYaml {

    private PyYaml() {
    }

    /** {@code yaml.safe_dump(data, default_flow_style=flow, allow_unicode=True, width=200)}. */
    static String dump(Object data, boolean flow) {
        DumpSettings settings = DumpSettings.builder().setDefaultFlowStyle(flow ? FlowStyle.FLOW : FlowStyle.BLOCK)
                .setIndent(2).setWidth(200).setSchema(Yaml11.SCHEMA).setSplitLines(true).build();
        return new Dump(settings).dumpToString(sorted(data));
    }

    private static Object sorted(Object v) {
        if (v instanceof Map<?, ?> m) {
            Map<String, Object> out = new TreeMap<>();
            m.forEach((k, val) -> out.put(String.valueOf(k), sorted(val)));
            return out;
        }
        if (v instanceof List<?> l) {
            List<Object> out = new ArrayList<>(l.size());
            l.forEach(x -> out.add(sorted(x)));
            return out;
        }
        return v;
    }
}
