package dev.flowtel.wire.kafka;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A throwaway CA made with the JDK's keytool: {@code broker.p12} holds the broker's key with a
 * certificate for localhost and 127.0.0.1 signed by the CA, {@code truststore.p12} the CA alone.
 */
final class TestCertificateAuthority {

  private TestCertificateAuthority() {}

  static void create(Path dir, String password) throws IOException, InterruptedException {
    String ca = dir.resolve("ca.p12").toString();
    String broker = dir.resolve("broker.p12").toString();
    keytool(dir, "-genkeypair", "-alias", "ca", "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=flowtel-test-ca",
        "-ext", "bc:c", "-validity", "2", "-keystore", ca, "-storetype", "PKCS12", "-storepass", password);
    keytool(dir, "-exportcert", "-rfc", "-alias", "ca", "-keystore", ca, "-storepass", password, "-file", "ca.pem");
    keytool(dir, "-genkeypair", "-alias", "broker", "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=localhost",
        "-validity", "2", "-keystore", broker, "-storetype", "PKCS12", "-storepass", password);
    keytool(dir, "-certreq", "-alias", "broker", "-keystore", broker, "-storepass", password, "-file", "broker.csr");
    keytool(dir, "-gencert", "-alias", "ca", "-keystore", ca, "-storepass", password, "-infile", "broker.csr",
        "-outfile", "broker.pem", "-rfc", "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-validity", "2");
    keytool(dir, "-importcert", "-noprompt", "-alias", "ca", "-file", "ca.pem", "-keystore", broker, "-storepass", password);
    keytool(dir, "-importcert", "-noprompt", "-alias", "broker", "-file", "broker.pem", "-keystore", broker, "-storepass", password);
    keytool(dir, "-importcert", "-noprompt", "-alias", "ca", "-file", "ca.pem", "-keystore", dir.resolve("truststore.p12").toString(),
        "-storetype", "PKCS12", "-storepass", password);
  }

  private static void keytool(Path dir, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException("keytool " + String.join(" ", args) + " failed:\n" + output);
    }
  }
}
