package dev.flowtel.simulator.cluster;

/** What a workload does in the modelled application; decides its ports and who it calls. */
public enum Role {
  INGRESS_CONTROLLER,
  FRONTEND,
  API,
  WORKER,
  QUEUE,
  CACHE,
  DATABASE,
  DNS,
  METRICS_EXPORTER,
  METRICS_SCRAPER
}
