package dev.flowtel.console.kibana;

/**
 * What the check found for one panel.
 *
 * @param returnedData whether the panel's request returned any bucket or hit for the range
 * @param equal whether its numbers equal the console's for the same range
 * @param detail the figures compared, or what differed, in words a reader can act on
 */
public record PanelResult(String id, String title, boolean returnedData, boolean equal, String detail) {

  /** A panel passes when it shows data and that data is the console's. */
  public boolean passed() {
    return returnedData && equal;
  }
}
