package dev.flowtel.sink.elasticsearch.connection;

import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.apache.http.Header;
import org.apache.http.HttpHost;
import org.apache.http.message.BasicHeader;
import org.elasticsearch.client.RestClient;
import org.elasticsearch.client.RestClientBuilder;

/**
 * How to reach and authenticate to Elasticsearch: one or more URLs (http or https), an API key
 * or a user and password (or neither), and a CA certificate to trust for TLS. Secrets never
 * appear in {@link #toString()}, in logs or in error messages.
 */
public record ElasticsearchConnection(List<String> urls, String apiKey, String username, String password, String caCertificate)
    implements Serializable {

  public static final String DEFAULT_URL = "http://127.0.0.1:9200";

  public ElasticsearchConnection {
    if (urls == null || urls.isEmpty()) {
      throw new IllegalArgumentException("no Elasticsearch URL: give --es-url (e.g. " + DEFAULT_URL + ")");
    }
    urls = List.copyOf(urls);
    for (String url : urls) {
      if (!url.startsWith("http://") && !url.startsWith("https://")) {
        throw new IllegalArgumentException("Elasticsearch URL \"" + url + "\" must start with http:// or https://");
      }
    }
    if (apiKey != null && username != null) {
      throw new IllegalArgumentException("give either an API key or a user and password for Elasticsearch, not both");
    }
    if (username != null && password == null) {
      throw new IllegalArgumentException("Elasticsearch user " + username + " needs a password (--password, or env FLOWTEL_ES_PASSWORD)");
    }
  }

  public static ElasticsearchConnection to(String url) {
    return new ElasticsearchConnection(List.of(url), null, null, null, null);
  }

  /** The HTTP Authorization header value, or null without credentials. */
  public String authorizationHeader() {
    if (apiKey != null) {
      return "ApiKey " + apiKey;
    }
    if (username != null) {
      return "Basic " + Base64.getEncoder().encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
    }
    return null;
  }

  /** A low-level client with the credentials and TLS trust of this connection; the caller closes it. */
  public RestClient restClient() {
    RestClientBuilder builder = RestClient.builder(urls.stream().map(HttpHost::create).toArray(HttpHost[]::new));
    String authorization = authorizationHeader();
    if (authorization != null) {
      builder.setDefaultHeaders(new Header[] {new BasicHeader("Authorization", authorization)});
    }
    if (caCertificate != null) {
      SSLContext ssl = sslContextTrusting(Path.of(caCertificate));
      builder.setHttpClientConfigCallback(http -> http.setSSLContext(ssl));
    }
    return builder.build();
  }

  /** An SSL context that trusts the PEM certificates in {@code caFile} (and nothing else). */
  public static SSLContext sslContextTrusting(Path caFile) {
    try (InputStream in = Files.newInputStream(caFile)) {
      Collection<? extends Certificate> certificates = CertificateFactory.getInstance("X.509").generateCertificates(in);
      if (certificates.isEmpty()) {
        throw new IllegalArgumentException("--ca-cert " + caFile + ": no PEM certificate in the file");
      }
      KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
      trust.load(null, null);
      int i = 0;
      for (Certificate certificate : certificates) {
        trust.setCertificateEntry("ca-" + i++, certificate);
      }
      TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      factory.init(trust);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, factory.getTrustManagers(), null);
      return context;
    } catch (IOException e) {
      throw new IllegalArgumentException("--ca-cert " + caFile + ": cannot read: " + e.getMessage(), e);
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("--ca-cert " + caFile + ": not a PEM X.509 certificate: " + e.getMessage(), e);
    }
  }

  /** The URLs and the kind of credentials, never the credentials themselves. */
  public String describe() {
    String auth = apiKey != null ? "API key" : username != null ? "user " + username : "no credentials";
    return String.join(",", urls) + " (" + auth + (caCertificate != null ? ", CA " + caCertificate : "") + ")";
  }

  @Override
  public String toString() {
    return "ElasticsearchConnection[" + describe() + "]";
  }
}
