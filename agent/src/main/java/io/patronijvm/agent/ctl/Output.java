package io.patronijvm.agent.ctl;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * patronictl's {@code print_output}: one list of rows as a framed table ({@code pretty},
 * {@code topology}), tab-separated lines, or a JSON/YAML list of objects. For the member list
 * (a {@code title} and a first column {@code Cluster}) the tables leave the cluster column out,
 * tags become YAML, and JSON/YAML leave out empty cells.
 */
final class Output {

    static final List<String> FORMATS = List.of("pretty", "tsv", "json", "yaml", "yml", "topology");

    private Output() {
    }

    static String render(List<String> columns, List<List<Object>> rows, Set<String> right, String fmt, String title) {
        if (fmt.equals("json") || fmt.equals("yaml") || fmt.equals("yml")) {
            List<Map<String, Object>> elements = new ArrayList<>();
            for (List<Object> r : rows) {
                Map<String, Object> e = new LinkedHashMap<>();
                for (int i = 0; i < columns.size() && i < r.size(); i++) {
                    if (title == null || !Py.str(r.get(i)).isEmpty()) {
                        e.put(columns.get(i), r.get(i));
                    }
                }
                elements.add(e);
            }
            return fmt.equals("json") ? PyJson.dumps(elements) + "\n" : PyYaml.dump(elements, false) + "\n";
        }
        boolean listCluster = title != null && !columns.isEmpty() && columns.get(0).equals("Cluster");
        List<List<Object>> data = new ArrayList<>();
        rows.forEach(r -> data.add(new ArrayList<>(r)));
        List<String> cols = columns;
        int tags = columns.indexOf("Tags");
        if (listCluster && tags >= 0) {
            for (List<Object> r : data) {
                Object t = r.get(tags);
                if (t instanceof Map<?, ?> m && !m.isEmpty()) {
                    r.set(tags, PyYaml.dump(t, !fmt.equals("pretty")).strip());
                }
            }
        }
        if (listCluster && !fmt.equals("tsv")) {
            cols = columns.subList(1, columns.size());
            data.replaceAll(r -> r.subList(1, r.size()));
        }
        List<List<String>> text = new ArrayList<>();
        for (List<Object> r : data) {
            List<String> line = new ArrayList<>();
            r.forEach(v -> line.add(Py.str(v)));
            text.add(line);
        }
        if (fmt.equals("tsv")) {
            StringBuilder sb = new StringBuilder();
            if (!cols.isEmpty()) {
                sb.append(String.join("\t", cols)).append('\n');
            }
            text.forEach(line -> sb.append(String.join("\t", line)).append('\n'));
            return sb.toString();
        }
        return TextTable.render(cols, text, right, listCluster ? title : null) + "\n";
    }
}
