package io.patronijvm.agent.ctl;

import com.github.difflib.DiffUtils;
import com.github.difflib.UnifiedDiffUtils;
import com.github.difflib.patch.Patch;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The ways edit-config changes the dynamic configuration: {@code -s a.b=value} (values are
 * YAML; {@code postgresql.parameters.*} keeps dots in the parameter name), {@code --apply}
 * (merged: a null deletes a key), {@code --replace}, or an editor on the YAML; and the unified
 * diff shown before applying.
 */
final class ConfigEdits {

    private final Ctl ctl;

    ConfigEdits(Ctl ctl) {
        this.ctl = ctl;
    }

    Map<String, Object> set(Map<String, Object> data, List<String> pairs) throws CtlException {
        Map<String, Object> changed = deepCopy(data);
        for (String pair : pairs) {
            int eq = pair == null ? -1 : pair.indexOf('=');
            if (eq < 0) {
                throw new CtlException("Invalid parameter setting " + pair);
            }
            List<String> path = Arrays.asList(pair.substring(0, eq).strip().split("\\.", -1));
            setPath(changed, path, parse(pair.substring(eq + 1), "the value of " + pair), List.of());
        }
        return changed;
    }

    @SuppressWarnings("unchecked")
    private static void setPath(Map<String, Object> config, List<String> path, Object value, List<String> prefix) {
        List<String> p = prefix.equals(List.of("postgresql", "parameters")) ? List.of(String.join(".", path)) : path;
        String key = p.get(0);
        if (p.size() == 1) {
            if (value == null) {
                config.remove(key);
            } else {
                config.put(key, value);
            }
            return;
        }
        if (!(config.get(key) instanceof Map)) {
            config.put(key, new LinkedHashMap<String, Object>());
        }
        Map<String, Object> child = (Map<String, Object>) config.get(key);
        List<String> next = new ArrayList<>(prefix);
        next.add(key);
        setPath(child, p.subList(1, p.size()), value, next);
        if (child.isEmpty()) {
            config.remove(key);
        }
    }

    Map<String, Object> applyFile(Map<String, Object> data, String file) throws CtlException {
        String text;
        try {
            text = file.equals("-") ? new String(System.in.readAllBytes(), StandardCharsets.UTF_8)
                    : Files.readString(Path.of(file));
        } catch (IOException e) {
            throw new CtlException("cannot read " + (file.equals("-") ? "standard input" : file) + ": " + e.getMessage());
        }
        Object options = parse(text, file.equals("-") ? "standard input" : file);
        Map<String, Object> changed = deepCopy(data);
        if (options instanceof Map<?, ?> m) {
            patch(changed, asMap(m));
        } else if (options != null) {
            throw new CtlException((file.equals("-") ? "standard input" : file) + " must hold a YAML map of keys to values");
        }
        return changed;
    }

    /** Patroni's {@code patch_config}: nulls delete, maps merge, anything else replaces. */
    @SuppressWarnings("unchecked")
    static void patch(Map<String, Object> config, Map<String, Object> data) {
        data.forEach((name, value) -> {
            if (value == null) {
                config.remove(name);
            } else if (value instanceof Map<?, ?> m && config.get(name) instanceof Map<?, ?>) {
                patch((Map<String, Object>) config.get(name), asMap(m));
            } else {
                config.put(name, value instanceof Map<?, ?> m ? deepCopy(asMap(m)) : value);
            }
        });
    }

    String editor(String before, String cluster) throws CtlException, InterruptedException {
        String editor = ctl.env.get("EDITOR");
        if (editor == null || editor.isBlank()) {
            editor = onPath("editor") != null ? onPath("editor") : onPath("vi");
        }
        if (editor == null) {
            throw new CtlException("EDITOR environment variable is not set. editor or vi are not available");
        }
        Path tmp = null;
        try {
            tmp = Files.createTempFile(cluster + "-config-", ".yaml");
            Files.writeString(tmp, before);
            Process p = new ProcessBuilder(editor, tmp.toString()).inheritIO().start();
            // An operator edits for as long as it takes; a day bounds a forgotten session.
            if (!p.waitFor(1, TimeUnit.DAYS)) {
                p.destroyForcibly();
                throw new CtlException("Editor did not exit within a day");
            }
            if (p.exitValue() != 0) {
                throw new CtlException("Editor exited with return code " + p.exitValue());
            }
            return Files.readString(tmp);
        } catch (IOException e) {
            throw new CtlException("cannot run the editor " + editor + ": " + e.getMessage());
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException e) {
                    ctl.warn("could not delete " + tmp + ": " + e.getMessage());
                }
            }
        }
    }

    Map<String, Object> parseEdited(String text) throws CtlException {
        Object v = parse(text, "the edited configuration");
        if (v == null) {
            return new LinkedHashMap<>();
        }
        if (!(v instanceof Map<?, ?> m)) {
            throw new CtlException("the edited configuration must be a YAML map of keys to values");
        }
        return asMap(m);
    }

    private String onPath(String name) {
        for (String dir : ctl.env.getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            Path p = Path.of(dir.isEmpty() ? "." : dir, name);
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        return null;
    }

    private static Object parse(String yaml, String what) throws CtlException {
        return Yaml11.load(yaml, what);
    }

    /** A comparable form: Python's {@code ==} does not tell 1 from 1.0 or key order. */
    static String canonical(Object v) {
        return PyJson.dumps(sortedCopy(v));
    }

    private static Object sortedCopy(Object v) {
        if (v instanceof Map<?, ?> m) {
            Map<String, Object> out = new java.util.TreeMap<>();
            m.forEach((k, x) -> out.put(String.valueOf(k), sortedCopy(x)));
            return out;
        }
        if (v instanceof List<?> l) {
            return l.stream().map(ConfigEdits::sortedCopy).toList();
        }
        if (v instanceof Double d && d == Math.rint(d) && Math.abs(d) < 1e15) {
            return d.longValue();
        }
        return v;
    }

    /** difflib's {@code unified_diff} of the two YAML texts, without file names, as patronictl prints it. */
    static String unifiedDiff(String before, String after) {
        List<String> a = lines(before);
        List<String> b = lines(after);
        Patch<String> patch = DiffUtils.diff(a, b);
        List<String> diff = UnifiedDiffUtils.generateUnifiedDiff("", "", a, patch, 3);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < diff.size(); i++) {
            String line = diff.get(i);
            if (i == 0) {
                line = "--- ";
            } else if (i == 1) {
                line = "+++ ";
            } else if (line.startsWith("@@")) {
                line = line.replaceAll(",1 ", " ");
            }
            sb.append(line).append('\n');
        }
        return sb.toString();
    }

    private static List<String> lines(String s) {
        String t = s.replaceAll("\n+$", "");
        return Arrays.asList(t.split("\n", -1));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asMap(Map<?, ?> m) {
        return (Map<String, Object>) m;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> deepCopy(Map<String, Object> m) {
        Map<String, Object> out = new LinkedHashMap<>();
        m.forEach((k, v) -> out.put(k, v instanceof Map<?, ?> c ? deepCopy((Map<String, Object>) c)
                : v instanceof List<?> l ? new ArrayList<>(l) : v));
        return out;
    }
}
