package io.gemtrack.aggregator.http;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.logging.Level;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A real headless Chromium, Debian's build driven by Debian's chromedriver, both installed by
 * {@code scripts/install-deps}. Pages re-render while they refresh, so everything read from a page is read in
 * one script run, never through element handles that a refresh can make stale.
 */
final class HeadlessBrowser implements AutoCloseable {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Dimension WINDOW = new Dimension(1400, 1000);
    private static final Duration PATIENCE = Duration.ofSeconds(30);
    static final Path SCREENSHOTS = Path.of("target", "screenshots");

    private final String base;
    private final ChromeDriver driver;

    HeadlessBrowser(int port) {
        for (Path program : List.of(CHROMIUM, CHROMEDRIVER)) {
            if (!Files.isExecutable(program)) {
                throw new AssertionError(program + " is missing: run scripts/install-deps, which installs Debian's "
                        + "chromium and chromium-driver for the web view's browser tests");
            }
        }
        // With the driver named, Selenium Manager does not try to download a driver or a browser.
        System.setProperty("webdriver.chrome.driver", CHROMEDRIVER.toString());
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage",
                "--window-size=" + WINDOW.width + "," + WINDOW.height);
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability(ChromeOptions.LOGGING_PREFS, logs);
        this.base = "http://127.0.0.1:" + port;
        this.driver = new ChromeDriver(options);
    }

    /** Loads {@code path} of the aggregator and waits for the page's first refresh from the API. */
    void open(String path) {
        driver.get(base + path);
        await("first refresh of " + path, () -> refreshes() >= 1);
    }

    /** How many refreshes the page has drawn since it loaded. */
    int refreshes() {
        String count = attribute("body", "data-refreshes");
        return count == null ? 0 : Integer.parseInt(count);
    }

    void await(String what, BooleanSupplier condition) {
        new WebDriverWait(driver, PATIENCE).withMessage(() -> what + "; the page's status: "
                + script("return document.getElementById('status')?.textContent")).until(d -> condition.getAsBoolean());
    }

    Object script(String javascript, Object... arguments) {
        return driver.executeScript(javascript, arguments);
    }

    /** The attribute of the first element {@code selector} finds; {@code null} when there is none. */
    String attribute(String selector, String name) {
        return (String) script("const e = document.querySelector(arguments[0]); return e && e.getAttribute(arguments[1]);",
                selector, name);
    }

    /** The {@code name} attribute of every element {@code selector} finds, in document order. */
    List<String> attributes(String selector, String name) {
        @SuppressWarnings("unchecked")
        List<String> values = (List<String>) script(
                "return [...document.querySelectorAll(arguments[0])].map(e => e.getAttribute(arguments[1]));",
                selector, name);
        return values;
    }

    /** The rows of a table: each its {@code key} and, by column, the raw value its cell shows. */
    List<Map<String, String>> rows(String tableSelector) {
        @SuppressWarnings("unchecked")
        List<Map<String, String>> rows = (List<Map<String, String>>) script("""
                return [...document.querySelectorAll(arguments[0] + ' tbody tr')].map(tr => {
                  const row = { key: tr.dataset.key };
                  tr.querySelectorAll('td[data-column]').forEach(td => row[td.dataset.column] = td.dataset.value);
                  return row;
                });""", tableSelector);
        return rows;
    }

    /** Clicks an element that the page builds once (policy buttons, table headers), so it cannot go stale. */
    void click(String selector) {
        driver.findElement(By.cssSelector(selector)).click();
    }

    /** Console errors (uncaught exceptions, console.error, failed loads) since the last call. */
    List<String> consoleErrors() {
        List<String> errors = new ArrayList<>();
        for (LogEntry entry : driver.manage().logs().get(LogType.BROWSER)) {
            if (entry.getLevel().intValue() >= Level.SEVERE.intValue()) {
                errors.add(entry.getMessage());
            }
        }
        return errors;
    }

    /** Writes the whole page, not just the window, to {@code target/screenshots/NAME.png} for review. */
    Path screenshot(String name) {
        // A window cannot grow past headless Chromium's screen, so the page is captured beyond the viewport.
        long height = (Long) script("return document.documentElement.scrollHeight");
        Map<String, Object> shot = driver.executeCdpCommand("Page.captureScreenshot", Map.of(
                "format", "png", "captureBeyondViewport", true,
                "clip", Map.of("x", 0, "y", 0, "width", WINDOW.width, "height", height, "scale", 1)));
        try {
            Files.createDirectories(SCREENSHOTS);
            return Files.write(SCREENSHOTS.resolve(name + ".png"), Base64.getDecoder().decode((String) shot.get("data")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        driver.quit();
    }
}
