package io.patronijvm.e2e;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Debian's headless Chromium driven by Debian's chromedriver through Selenium: nothing is
 * downloaded (the driver and the browser binaries are named, so Selenium Manager stays idle).
 * {@link #close()} quits the browser and then kills whatever chromedriver or chromium process
 * this JVM started that is still alive.
 */
final class Browser implements AutoCloseable {

    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    /** The real binary: /usr/bin/chromium is a shell wrapper around it. */
    private static final List<Path> CHROMIUM = List.of(Path.of("/usr/lib/chromium/chromium"), Path.of("/usr/bin/chromium"));

    private final ChromeDriverService service;
    private final ChromeDriver driver;
    private final Path profile;

    private Browser(ChromeDriverService service, ChromeDriver driver, Path profile) {
        this.service = service;
        this.driver = driver;
        this.profile = profile;
    }

    /** Why no browser can run here, or null. */
    static String unavailableReason() {
        if (!Files.isExecutable(CHROMEDRIVER)) {
            return "no " + CHROMEDRIVER + " (Debian package chromium-driver): run scripts/setup";
        }
        return chromium() == null ? "no chromium binary (Debian package chromium): run scripts/setup" : null;
    }

    private static Path chromium() {
        return CHROMIUM.stream().filter(Files::isExecutable).findFirst().orElse(null);
    }

    static Browser start(Path logDir) {
        try {
            Files.createDirectories(logDir);
            Path profile = Files.createTempDirectory("patroni-jvm-chromium-");
            ChromeDriverService service = new ChromeDriverService.Builder()
                    .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort()
                    .withLogFile(logDir.resolve("chromedriver.log").toFile())
                    .withTimeout(Duration.ofSeconds(30)).build();
            ChromeOptions options = new ChromeOptions();
            options.setBinary(chromium().toFile());
            options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                    "--disable-dev-shm-usage", "--user-data-dir=" + profile, "--window-size=1400,1350",
                    "--lang=en-GB");
            ChromeDriver driver;
            try {
                driver = new ChromeDriver(service, options);
            } catch (RuntimeException e) {
                service.stop();
                killOurs();
                throw e;
            }
            driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30)).scriptTimeout(Duration.ofSeconds(10));
            driver.manage().window().setSize(new Dimension(1400, 1350));
            return new Browser(service, driver, profile);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void open(String url) {
        driver.get(url);
    }

    @SuppressWarnings("unchecked")
    <T> T script(String js) {
        return (T) ((JavascriptExecutor) driver).executeScript(js);
    }

    /** The page's member rows as their data-* attributes, read in one go (the page redraws every poll). */
    List<Map<String, Object>> memberRows() {
        return script("return [...document.querySelectorAll('#members tbody tr[data-member]')]"
                + ".map(tr => Object.assign({}, tr.dataset));");
    }

    String text(String css) {
        return script("const e = document.querySelector('" + css + "'); return e ? e.textContent : null;");
    }

    void screenshot(Path file) {
        try {
            Files.createDirectories(file.getParent());
            File shot = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE);
            Files.copy(shot.toPath(), file, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            service.stop();
            killOurs();
            deleteTree(profile);
        }
    }

    /** Any chromedriver or chromium below this JVM that survived quit(): SIGKILL, and wait for it. */
    private static void killOurs() {
        List<ProcessHandle> left = ProcessHandle.current().descendants()
                .filter(p -> p.info().command().map(c -> c.contains("chrom")).orElse(false)).toList();
        left.forEach(ProcessHandle::destroyForcibly);
        for (ProcessHandle p : left) {
            Awaitility.await("browser process " + p.pid() + " gone").atMost(Duration.ofSeconds(15))
                    .pollInterval(Duration.ofMillis(50)).until(() -> !p.isAlive());
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            System.out.println("[e2e] could not remove the chromium profile " + dir + ": " + e.getMessage());
        }
    }
}
