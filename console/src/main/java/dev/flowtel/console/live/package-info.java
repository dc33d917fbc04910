/**
 * The live range read from the traffic topic itself, not from what the sink has indexed: every
 * window of the last minutes at its latest committed revision, held in memory for the map.
 */
package dev.flowtel.console.live;
