package dev.negmine.text.finetune;

import dev.negmine.core.linalg.FloatMatrix;
import dev.negmine.text.transformer.Role;
import dev.negmine.text.transformer.TransformerEncoder;
import dev.negmine.text.weights.Tensor;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.logging.Logger;

/**
 * A background re-mining of the hard-negative candidates with a snapshot of the weights, as ANCE
 * does: the training thread copies the weights at step {@code s} and goes on training; a daemon
 * thread loads them into a second encoder, embeds the corpus and the training queries and mines;
 * the training loop installs the new candidates at the first step boundary after it finishes. The
 * snapshot is never written by the training thread, so the two threads share nothing mutable.
 *
 * <p>{@link #cancel} stops the thread within one encoding batch and waits for it, so no re-mining
 * outlives the run that started it (a run that ends while one is in flight leaves no native work
 * behind in the process).
 */
final class PoolRefresh {
  private static final Logger LOG = Logger.getLogger(PoolRefresh.class.getName());
  /** How long {@link #cancel} waits for the thread: one batch of the encoder takes about a second. */
  private static final long JOIN_MS = 120_000;

  private final long snapshotStep;
  private final CompletableFuture<int[][]> result = new CompletableFuture<>();
  private volatile boolean cancelled;
  private volatile TransformerEncoder copy;
  private Thread thread;

  private PoolRefresh(long snapshotStep) {
    this.snapshotStep = snapshotStep;
  }

  static PoolRefresh start(FineTuneRun run, TransformerEncoder current, long step) {
    List<Tensor> snapshot = current.weights();
    PoolRefresh r = new PoolRefresh(step);
    r.thread = new Thread(() -> r.remine(run, current, snapshot), "negmine-pool-refresh");
    r.thread.setDaemon(true);
    r.thread.start();
    return r;
  }

  private void remine(FineTuneRun run, TransformerEncoder current, List<Tensor> snapshot) {
    try (TransformerEncoder own = TransformerEncoder.pretrained(current.spec())) {
      copy = own;
      if (cancelled) { // cancel() may have run before copy was published
        return;
      }
      own.setWeights(snapshot);
      FloatMatrix docs = own.encode(run.corpusTexts(), Role.DOCUMENT, run.config().maxLength());
      result.complete(run.mine(docs, own, false));
    } catch (CancellationException e) {
      result.cancel(false);
    } catch (Throwable e) {
      result.completeExceptionally(e);
    }
  }

  long snapshotStep() {
    return snapshotStep;
  }

  boolean done() {
    return result.isDone();
  }

  /** The new candidates; rethrows what failed the refresh. */
  int[][] take() {
    try {
      return result.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while taking the refreshed candidates", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("background re-mining failed: " + e.getCause(), e.getCause());
    }
  }

  /** Stops the re-mining and waits (up to two minutes) for its thread to end. */
  void cancel() {
    cancelled = true;
    TransformerEncoder c = copy;
    if (c != null) {
      c.cancelEncoding();
    }
    // a run stopped by an interrupt comes here interrupted: wait all the same, then keep the interrupt
    boolean interrupted = Thread.interrupted();
    try {
      thread.join(JOIN_MS);
    } catch (InterruptedException e) {
      interrupted = true;
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
    if (thread.isAlive()) {
      LOG.warning("the background re-mining did not stop within " + JOIN_MS / 1000 + " s; it is left to finish alone");
    }
  }
}
