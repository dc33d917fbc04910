/**
 * What the console's readers of the pipeline's topics share: how they consume (no group, committed
 * records only, no topic created by asking).
 */
package dev.flowtel.console.topic;
