package io.patronijvm.agent.config;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** {@link PatroniSchema}'s questions answered by this machine: TCP connects, the file system, {@code postgres --version}. */
final class MachineProbe implements PatroniSchema.Probe {

    private static final int CONNECT_TIMEOUT_MS = 1000;
    private static final Pattern VERSION = Pattern.compile("^\\S+ \\S+ (\\d+)(?:\\.(\\d+))?");

    @Override
    public boolean accepts(String host, int port) {
        if (port <= 0 || port > 65535) {
            return false;
        }
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), CONNECT_TIMEOUT_MS);
            return true;
        } catch (IOException | IllegalArgumentException e) {
            return false;
        }
    }

    @Override
    public String dataDirProblem(String dataDir, String binDir) {
        Path d = Path.of(dataDir);
        if (!Files.exists(d)) {
            return null;
        }
        if (!Files.isDirectory(d)) {
            return dataDir + " is not a directory";
        }
        if (!Files.isRegularFile(d.resolve("global/pg_control")) && looksEmpty(d)) {
            return null;
        }
        if (!Files.isRegularFile(d.resolve("PG_VERSION"))) {
            return dataDir + " is not empty but has no PG_VERSION: not a PostgreSQL data directory";
        }
        try {
            String version = Files.readString(d.resolve("PG_VERSION"), StandardCharsets.US_ASCII).strip();
            if (!Files.isDirectory(d.resolve("pg_wal"))) {
                return dataDir + " is a data directory without pg_wal";
            }
            String installed = installedMajor(binDir);
            if (!version.equals(installed)) {
                return dataDir + " holds PostgreSQL " + version + " but 'postgres --version' is "
                        + (installed == null ? "not available" : installed);
            }
            return null;
        } catch (IOException e) {
            return "cannot read " + d.resolve("PG_VERSION") + ": " + e.getMessage();
        }
    }

    /** Patroni's data_directory_is_empty: nothing but dot files and lost+found. */
    private static boolean looksEmpty(Path d) {
        try (Stream<Path> s = Files.list(d)) {
            return s.map(p -> p.getFileName().toString()).allMatch(n -> n.startsWith(".") || n.equals("lost+found"));
        } catch (IOException e) {
            return false;
        }
    }

    private static String installedMajor(String binDir) {
        String postgres = binDir == null ? "postgres" : Path.of(binDir, "postgres").toString();
        try {
            Process p = new ProcessBuilder(postgres, "--version").redirectErrorStream(true).start();
            String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return null;
            }
            Matcher m = VERSION.matcher(text);
            if (!m.find()) {
                return null;
            }
            int major = Integer.parseInt(m.group(1));
            return major < 10 && m.group(2) != null ? major + "." + m.group(2) : m.group(1);
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    @Override
    public List<String> binDirProblems(String binDir, List<String> programs) {
        Path d = Path.of(binDir);
        if (!Files.exists(d)) {
            return List.of("directory " + binDir + " does not exist");
        }
        if (!Files.isDirectory(d)) {
            return List.of(binDir + " is not a directory");
        }
        List<String> out = new ArrayList<>();
        for (String p : programs) {
            if (!Files.isExecutable(d.resolve(p)) || Files.isDirectory(d.resolve(p))) {
                out.add(binDir + " has no executable " + p);
            }
        }
        return out;
    }
}
