package io.patronijvm.agent.ctl;

import java.math.BigInteger;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.api.ConstructNode;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.Tag;
import org.snakeyaml.engine.v2.resolver.ScalarResolver;
import org.snakeyaml.engine.v2.schema.CoreSchema;
import org.snakeyaml.engine.v2.schema.Schema;

/**
 * YAML 1.1's implicit types as PyYAML's {@code safe_load}/{@code safe_dump} resolve them
 * (patronictl parses {@code -s}/{@code -p} values, {@code --apply} files and the edited text
 * with PyYAML): {@code yes/no/on/off} are booleans, {@code 0755} is octal, {@code 1_000} and
 * {@code 1:30} are integers. snakeyaml-engine speaks YAML 1.2, so the resolver and the
 * constructors are written here from the YAML 1.1 type definitions (yaml.org/type). A timestamp
 * stays a string: the value goes to JSON in the DCS, where PyYAML's datetime would not serialize.
 */
final class Yaml11 {

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

    static final ScalarResolver RESOLVER = (value, implicit) -> {
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

    static final Schema SCHEMA = new Schema() {
        private final CoreSchema core = new CoreSchema();

        @Override
        public ScalarResolver getScalarResolver() {
            return RESOLVER;
        }

        @Override
        public Map<Tag, ConstructNode> getSchemaTagConstructors() {
            Map<Tag, ConstructNode> m = new HashMap<>(core.getSchemaTagConstructors());
            m.put(Tag.BOOL, scalar(Yaml11::bool));
            m.put(Tag.INT, scalar(Yaml11::integer));
            m.put(Tag.FLOAT, scalar(Yaml11::floating));
            m.put(TIMESTAMP_TAG, scalar(s -> s));
            m.put(VALUE_TAG, scalar(s -> s));
            return m;
        }
    };

    private Yaml11() {
    }

    /** {@code yaml.safe_load(text)}; throws {@link CtlException} naming {@code what}. */
    static Object load(String text, String what) throws CtlException {
        try {
            return new Load(LoadSettings.builder().setSchema(SCHEMA).setLabel(what).build()).loadFromString(text);
        } catch (YamlEngineException | IllegalArgumentException e) {
            throw new CtlException(what + " is not valid YAML: " + e.getMessage());
        }
    }

    private static ConstructNode scalar(java.util.function.Function<String, Object> f) {
        return new ConstructNode() {
            @Override
            public Object construct(Node node) {
                return f.apply(((ScalarNode) node).getValue());
            }
        };
    }

    static Boolean bool(String s) {
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "yes", "true", "on" -> Boolean.TRUE;
            default -> Boolean.FALSE;
        };
    }

    /** PyYAML's {@code construct_yaml_int}: sign, underscores, 0b / 0x / leading-0 octal, base 60. */
    static Object integer(String text) {
        String s = text.replace("_", "");
        int sign = 1;
        if (s.startsWith("-") || s.startsWith("+")) {
            sign = s.startsWith("-") ? -1 : 1;
            s = s.substring(1);
        }
        BigInteger v;
        if (s.equals("0")) {
            v = BigInteger.ZERO;
        } else if (s.startsWith("0b")) {
            v = new BigInteger(s.substring(2), 2);
        } else if (s.startsWith("0x")) {
            v = new BigInteger(s.substring(2), 16);
        } else if (s.startsWith("0")) {
            v = new BigInteger(s.substring(1), 8);
        } else if (s.contains(":")) {
            v = BigInteger.ZERO;
            for (String part : s.split(":")) {
                v = v.multiply(BigInteger.valueOf(60)).add(new BigInteger(part));
            }
        } else {
            v = new BigInteger(s);
        }
        return narrow(sign < 0 ? v.negate() : v);
    }

    private static Object narrow(BigInteger v) {
        if (v.bitLength() < 32) {
            return v.intValue();
        }
        return v.bitLength() < 64 ? (Object) v.longValue() : v;
    }

    /** PyYAML's {@code construct_yaml_float}: underscores, {@code .inf}, {@code .nan}, base 60. */
    static Double floating(String text) {
        String s = text.replace("_", "").toLowerCase(Locale.ROOT);
        double sign = 1;
        if (s.startsWith("-") || s.startsWith("+")) {
            sign = s.startsWith("-") ? -1 : 1;
            s = s.substring(1);
        }
        if (s.equals(".inf")) {
            return sign * Double.POSITIVE_INFINITY;
        }
        if (s.equals(".nan")) {
            return Double.NaN;
        }
        if (s.contains(":")) {
            double v = 0;
            for (String part : s.split(":")) {
                v = v * 60 + Double.parseDouble(part);
            }
            return sign * v;
        }
        return sign * Double.parseDouble(s);
    }
}
