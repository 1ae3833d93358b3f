package io.patronijvm.agent.ctl;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.api.ConstructNode;
import org.snakeyaml.engine.v2.api.Dump;
import org.snakeyaml.engine.v2.api.DumpSettings;
import org.snakeyaml.engine.v2.common.FlowStyle;
import org.snakeyaml.engine.v2.nodes.Tag;
import org.snakeyaml.engine.v2.resolver.ScalarResolver;
import org.snakeyaml.engine.v2.schema.CoreSchema;
import org.snakeyaml.engine.v2.schema.Schema;

/**
 * YAML as patronictl prints it (PyYAML's {@code safe_dump}: keys sorted, width 200, block or
 * flow style). PyYAML resolves plain scalars by YAML 1.1 rules, so a string that 1.1 would read
 * as something else ({@code 'yes'}, {@code '0755'}, a timestamp) is quoted; the resolver below
 * gives snakeyaml-engine's emitter the same rules, written from the YAML 1.1 type definitions
 * (yaml.org/type).
 */
final class PyYaml {

    private static final Pattern BOOL = Pattern.compile(
            "yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF");
    private static final Pattern INT = Pattern.compile("[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)"
            + "|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+");
    private static final Pattern FLOAT = Pattern.compile("[-+]?(?:[0-9][0-9_]*)\\.[0-9_]*(?:[eE][-+][0-9]+)?"
            + "|\\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\\.[0-9_]*"
            + "|[-+]?\\.(?:inf|Inf|INF)|\\.(?:nan|NaN|NAN)");
    private static final Pattern NULL = Pattern.compile("~|null|Null|NULL|");
    private static final Pattern TIMESTAMP = Pattern.compile("[0-9]{4}-[0-9]{2}-[0-9]{2}"
            + "|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt]|[ \\t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}(?:\\.[0-9]*)?"
            + "(?:[ \\t]*(?:Z|[-+][0-9]{1,2}(?::[0-9]{2})?))?");
    private static final Tag TIMESTAMP_TAG = new Tag(Tag.PREFIX + "timestamp");
    private static final Tag MERGE_TAG = new Tag(Tag.PREFIX + "merge");
    private static final Tag VALUE_TAG = new Tag(Tag.PREFIX + "value");

    private static final ScalarResolver YAML11 = (value, implicit) -> {
        if (!implicit) {
            return Tag.STR;
        }
        if (NULL.matcher(value).matches()) {
            return Tag.NULL;
        }
        if (BOOL.matcher(value).matches()) {
            return Tag.BOOL;
        }
        if (INT.matcher(value).matches()) {
            return Tag.INT;
        }
        if (FLOAT.matcher(value).matches()) {
            return Tag.FLOAT;
        }
        if (TIMESTAMP.matcher(value).matches()) {
            return TIMESTAMP_TAG;
        }
        if (value.equals("<<")) {
            return MERGE_TAG;
        }
        return value.equals("=") ? VALUE_TAG : Tag.STR;
    };

    private static final Schema SCHEMA = new Schema() {
        private final CoreSchema core = new CoreSchema();

        @Override
        public ScalarResolver getScalarResolver() {
            return YAML11;
        }

        @Override
        public Map<Tag, ConstructNode> getSchemaTagConstructors() {
            return core.getSchemaTagConstructors();
        }
    };

    private PyYaml() {
    }

    /** {@code yaml.safe_dump(data, default_flow_style=flow, allow_unicode=True, width=200)}. */
    static String dump(Object data, boolean flow) {
        DumpSettings settings = DumpSettings.builder().setDefaultFlowStyle(flow ? FlowStyle.FLOW : FlowStyle.BLOCK)
                .setIndent(2).setWidth(200).setSchema(SCHEMA).setSplitLines(true).build();
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
