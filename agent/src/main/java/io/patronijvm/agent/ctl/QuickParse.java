package io.patronijvm.agent.ctl;

import java.util.List;
import java.util.concurrent.Callable;

/**
 * The plain forms of {@code list} and {@code topology} parsed without picocli. picocli is
 * compiled for Java 5 (class version 49), which the JVM's class-data archives (AppCDS, the AOT
 * cache) never store, so its ~170 classes and its reflective model are loaded and verified on
 * every run: measured, the largest start-up cost left for the command operators run most.
 * Anything beyond the plain forms (help, {@code --opt=value}, clustered flags, unknown options,
 * a bad value) returns null and picocli parses it, so the error messages stay picocli's.
 */
final class QuickParse {

    private static final List<String> LIST_FORMATS = List.of("pretty", "tsv", "json", "yaml");

    private QuickParse() {
    }

    /** The command to run, its fields set as picocli would set them, or null. */
    static Callable<Integer> parse(Ctl ctl, String... args) {
        int i = 0;
        for (; i < args.length && args[i].startsWith("-"); i++) {
            switch (args[i]) {
                case "-c", "--config-file" -> {
                    if (++i >= args.length) {
                        return null;
                    }
                    ctl.configFile = args[i];
                }
                case "-d", "--dcs-url", "--dcs" -> {
                    if (++i >= args.length) {
                        return null;
                    }
                    ctl.dcsUrl = args[i];
                }
                case "-k", "--insecure" -> ctl.insecure = true;
                default -> {
                    return null;
                }
            }
        }
        if (i >= args.length) {
            return null;
        }
        ReadCommands.Listing cmd = switch (args[i]) {
            case "list" -> new ReadCommands.ListCmd();
            case "topology" -> new ReadCommands.TopologyCmd();
            default -> null;
        };
        if (cmd == null || !options(cmd, args, i + 1)) {
            return null;
        }
        cmd.ctl = ctl;
        return cmd;
    }

    private static boolean options(ReadCommands.Listing cmd, String[] args, int from) {
        ReadCommands.ListCmd list = cmd instanceof ReadCommands.ListCmd l ? l : null;
        if (list != null) {
            list.fmt = "pretty";
        }
        for (int i = from; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("-")) {
                cmd.clusters.add(a);
                continue;
            }
            switch (a) {
                case "-W" -> cmd.watchEvery2 = true;
                case "-w", "--watch" -> {
                    if (++i >= args.length || !args[i].matches("[0-9]+(\\.[0-9]+)?")) {
                        return false;
                    }
                    cmd.watch = Double.parseDouble(args[i]);
                }
                case "-e", "--extended", "-t", "--timestamp", "-f", "--format" -> {
                    if (list == null) {
                        return false;
                    }
                    if (a.startsWith("-e") || a.equals("--extended")) {
                        list.extended = true;
                    } else if (a.startsWith("-t") || a.equals("--timestamp")) {
                        list.ts = true;
                    } else if (++i < args.length && LIST_FORMATS.contains(args[i])) {
                        list.fmt = args[i];
                    } else {
                        return false;
                    }
                }
                default -> {
                    return false;
                }
            }
        }
        return true;
    }
}
