package dev.flowtel.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Debian's chromium and its chromedriver, for the tests that look at the console in a real
 * browser. {@code .ci/run} installs them beside the build rather than before it (the install is
 * a minute the build need not wait for) and names a file it writes when done in
 * {@value #INSTALL_ENV}: a test waits for that file, so it runs rather than skips when it comes
 * first. Selenium is not a dependency of this module: a test that asks for a driver brings it.
 */
public final class Chromium {

  public static final Path BINARY = Path.of("/usr/bin/chromium");
  public static final Path DRIVER = Path.of("/usr/bin/chromedriver");
  public static final String INSTALL_ENV = "FLOWTEL_BROWSER_INSTALLED";
  /** The skip reason when they are missing. */
  public static final String MISSING = "needs Debian's chromium and chromium-driver (.ci/run installs them)";

  /** A safety net only: the wait ends when the install's file appears. */
  private static final Duration INSTALL_AT_MOST = Duration.ofMinutes(10);

  private Chromium() {}

  /**
   * Whether both are installed, after the install {@code .ci/run} started (if it did) has finished.
   *
   * @throws IllegalStateException when that install failed: CI must run these tests, not skip them
   */
  public static boolean available() throws InterruptedException, IOException {
    String announced = System.getenv(INSTALL_ENV);
    if (announced != null && !announced.isBlank()) {
      Path done = Path.of(announced);
      long deadline = System.nanoTime() + INSTALL_AT_MOST.toNanos();
      while (!Files.exists(done) && System.nanoTime() < deadline) {
        Thread.sleep(500);
      }
      String outcome = Files.exists(done) ? Files.readString(done).strip() : "still running after " + INSTALL_AT_MOST.toMinutes() + " min";
      if (!outcome.isEmpty()) {
        throw new IllegalStateException("the browser install .ci/run started did not succeed: " + outcome);
      }
    }
    return Files.isExecutable(BINARY) && Files.isExecutable(DRIVER);
  }

  /** A headless browser as the console's tests use it: a 1600x1000 window, no sandbox (tests run as root). */
  public static WebDriver headless() {
    ChromeOptions options = new ChromeOptions().setBinary(BINARY.toFile())
        .addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1600,1000");
    return new ChromeDriver(new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile()).usingAnyFreePort().build(),
        options);
  }
}
