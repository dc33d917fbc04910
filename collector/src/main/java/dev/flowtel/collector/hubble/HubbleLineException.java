package dev.flowtel.collector.hubble;

/** A Hubble export line that is not a flow Flowtel can read; the message says what is wrong with it. */
final class HubbleLineException extends Exception {

  HubbleLineException(String message) {
    super(message, null, false, false);
  }
}
