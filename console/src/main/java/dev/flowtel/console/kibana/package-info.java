/**
 * The shipped Kibana panels, checked against the console. Kibana cannot be installed on the build
 * machines, so the dashboards have never been seen rendering data: here every visualization and
 * saved search is turned into the Elasticsearch request Kibana would send for it (the same
 * aggregations, KQL and time filter), run, and its numbers compared with the console's for the
 * same range. A panel that drifts from the console (double counting the rollups, a renamed field
 * that now matches nothing) fails the check instead of showing a wrong chart to a user.
 */
package dev.flowtel.console.kibana;
