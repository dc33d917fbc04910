package dev.flowtel.streams.store;

import java.util.Map;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.internals.CacheFlushListener;
import org.apache.kafka.streams.state.internals.CachedStateStore;

/**
 * A state store that holds nothing and runs its processor's action when the task is about to
 * commit, so that state a processor keeps on the heap between commits (dirty, not yet in its stores)
 * goes into the stores, and with them into the changelogs, in the same transaction as the output and
 * the consumed offsets. Connect it to the processor, take it with {@code getStateStore} in
 * {@code init} and {@link #runBeforeCommit} there.
 *
 * <p>Why a record-cache store: Kafka Streams 4.2 has no processor commit callback. A task's commit
 * ({@code StreamTask.prepareCommit} -> {@code StreamTask.flush}) calls
 * {@code ProcessorStateManager.flushCache()}, which calls {@code flushCache()} on every store that is a
 * {@link CachedStateStore} (and nothing else), then flushes the record collector (the producer), and
 * only then are the offsets sent and, under exactly_once_v2, the transaction committed. A plain
 * store's {@code flush()} comes later, from {@code postCommit}, after the transaction: too late.
 * {@code CachedStateStore} is an internal interface of kafka-streams (read in the 4.2.2 jar's
 * {@code StreamTask}, {@code ProcessorStateManager} bytecode): on an upgrade, the
 * crash-recovery IT is what shows whether it still holds. The stores the action writes must not have
 * the record cache (so a put goes through to the changelog at once, whatever order the task flushes
 * its stores' caches in); writes into cached stores would wait for the next commit.
 *
 * <p>The action is dropped when the store is initialised or closed (a task closed dirty and revived
 * restores its stores from the changelogs and initialises its processors again, which register a
 * new one), and by {@link #clearCache()} (a task recycled between active and standby, after its
 * commit); so heap state of an aborted transaction is never written into restored stores.
 */
public final class BeforeCommit implements StateStore, CachedStateStore<Object, Object> {

  private final String name;
  private Runnable action;
  private boolean open;

  private BeforeCommit(String name) {
    this.name = name;
  }

  /** The builder to add to the topology ({@code StreamsBuilder.addStateStore}); no changelog, no cache. */
  public static StoreBuilder<BeforeCommit> builder(String name) {
    return new Builder(name);
  }

  /** {@code action} runs before every commit of this task (and at its flushes) until the task is closed. */
  public void runBeforeCommit(Runnable action) {
    this.action = action;
  }

  @Override
  public void flushCache() {
    run();
  }

  @Override
  public void flush() {
    // After the commit (postCommit, checkpoints): normally nothing is dirty by then; at-least-once
    // checkpoints still see everything written.
    run();
  }

  private void run() {
    Runnable a = action;
    if (a != null && open) {
      a.run();
    }
  }

  @Override
  public void clearCache() {
    action = null;
  }

  @Override
  public boolean setFlushListener(CacheFlushListener<Object, Object> listener, boolean sendOldValues) {
    return false;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public void init(StateStoreContext context, StateStore root) {
    action = null;
    // Nothing to restore: the store is not logged.
    context.register(root, (key, value) -> { });
    open = true;
  }

  @Override
  public void close() {
    action = null;
    open = false;
  }

  @Override
  public boolean persistent() {
    return false;
  }

  @Override
  public boolean isOpen() {
    return open;
  }

  private static final class Builder implements StoreBuilder<BeforeCommit> {

    private final String name;

    Builder(String name) {
      this.name = name;
    }

    @Override
    public StoreBuilder<BeforeCommit> withCachingEnabled() {
      throw new UnsupportedOperationException("a BeforeCommit store holds nothing to cache");
    }

    @Override
    public StoreBuilder<BeforeCommit> withCachingDisabled() {
      return this;
    }

    @Override
    public StoreBuilder<BeforeCommit> withLoggingEnabled(Map<String, String> config) {
      throw new UnsupportedOperationException("a BeforeCommit store holds nothing to log");
    }

    @Override
    public StoreBuilder<BeforeCommit> withLoggingDisabled() {
      return this;
    }

    @Override
    public BeforeCommit build() {
      return new BeforeCommit(name);
    }

    @Override
    public Map<String, String> logConfig() {
      return Map.of();
    }

    @Override
    public boolean loggingEnabled() {
      return false;
    }

    @Override
    public String name() {
      return name;
    }
  }
}
