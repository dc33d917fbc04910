package dev.flowtel.simulator.dns;

import java.util.List;

/**
 * The public names clean workloads look up besides their call graph's: cloud and SaaS APIs, error reporting, a
 * CDN's hashed host names and a load balancer's long generated one (names that look a little like encoded data, one
 * or a few per workload, as in any real cluster), and a telemetry agent that puts a per-event id in its names.
 */
final class ExternalNames {

  /** The SaaS API of the call graph (external/saas-api), by name. */
  static final String SAAS_API = "api.saas-vendor.com";

  /** Names an application workload may depend on; each workload picks one to three. */
  static final List<String> DEPENDENCIES = List.of("oauth2.googleapis.com", "sts.eu-west-1.amazonaws.com",
      "s3.eu-west-1.amazonaws.com", "api.github.com", "hooks.slack.com", "o450912.ingest.sentry.io",
      "login.microsoftonline.com", "api.stripe.com", "smtp.sendgrid.net", "registry-1.docker.io",
      "internal-ledger-prod-1873546021.eu-west-1.elb.amazonaws.com", "pypi.org");

  /** A telemetry agent's per-event names: {@code <32 hex>.events.telemetry-vendor.com}, a few a minute. */
  static final String TELEMETRY_PARENT = "events.telemetry-vendor.com";

  /** A name a stale configuration still asks for: the vendor retired it, so it is NXDOMAIN outside the cluster. */
  static final String RETIRED = "reports-legacy.partner-portal.com";

  private ExternalNames() {}
}
