package dev.flowtel.streams.store;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Given objects written to a store as bytes, the object comes back only while the store returns the
 * very array it was written as: equal bytes from elsewhere (a RocksDB read, a restore) are decoded
 * by the caller, and an entry taken for a change is gone until it is written again.
 */
class LiveStatesTest {

  @Test
  void theObjectComesBackOnlyForTheArrayItWasWrittenAs() {
    LiveStates<String, StringBuilder> live = new LiveStates<>(10);
    byte[] written = {1, 2, 3};
    StringBuilder state = new StringBuilder("a");
    live.written("k", written, state);

    assertThat(live.take("k", written.clone())).as("equal bytes, another array").isNull();
    assertThat(live.take("k", written)).as("taken out by the miss before").isNull();

    live.written("k", written, state);
    assertThat(live.take("k", written)).isSameAs(state);
    assertThat(live.take("k", written)).as("taken: the caller changes it and writes it again").isNull();
    assertThat(live.take("k", null)).as("nothing stored").isNull();
  }

  @Test
  void theLeastRecentlyWrittenKeysAreDecodedAgainBeyondTheCapacity() {
    LiveStates<Integer, String> live = new LiveStates<>(2);
    byte[][] bytes = {{0}, {1}, {2}};
    for (int k = 0; k < 3; k++) {
      live.written(k, bytes[k], "state " + k);
    }
    assertThat(live.take(0, bytes[0])).isNull();
    assertThat(live.take(1, bytes[1])).isEqualTo("state 1");
    assertThat(live.take(2, bytes[2])).isEqualTo("state 2");
  }

  @Test
  void aForgottenKeyIsDecodedAgain() {
    LiveStates<String, String> live = new LiveStates<>(2);
    byte[] bytes = {7};
    live.written("k", bytes, "state");
    live.forget("k");
    assertThat(live.take("k", bytes)).isNull();
  }
}
