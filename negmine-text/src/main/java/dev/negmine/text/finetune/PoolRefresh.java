package dev.negmine.text.finetune;

import dev.negmine.core.linalg.FloatMatrix;
import dev.negmine.text.transformer.Role;
import dev.negmine.text.transformer.TransformerEncoder;
import dev.negmine.text.weights.Tensor;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * A background re-mining of the hard-negative candidates with a snapshot of the weights, as ANCE
 * does: the training thread copies the weights at step {@code s} and goes on training; a daemon
 * thread loads them into a second encoder, embeds the corpus and the training queries and mines;
 * the training loop installs the new candidates at the first step boundary after it finishes. The
 * snapshot is never written by the training thread, so the two threads share nothing mutable.
 */
final class PoolRefresh {
  private final long snapshotStep;
  private final CompletableFuture<int[][]> result;
  private volatile boolean cancelled;

  private PoolRefresh(long snapshotStep, CompletableFuture<int[][]> result) {
    this.snapshotStep = snapshotStep;
    this.result = result;
  }

  static PoolRefresh start(FineTuneRun run, TransformerEncoder current, long step) {
    List<Tensor> snapshot = current.weights();
    CompletableFuture<int[][]> f = new CompletableFuture<>();
    PoolRefresh r = new PoolRefresh(step, f);
    Thread t = new Thread(() -> {
      try (TransformerEncoder copy = TransformerEncoder.pretrained(current.spec())) {
        copy.setWeights(snapshot);
        if (r.cancelled) {
          return;
        }
        FloatMatrix docs = copy.encode(run.corpusTexts(), Role.DOCUMENT, run.config().maxLength());
        if (r.cancelled) {
          return;
        }
        f.complete(run.mine(docs, copy, false));
      } catch (Throwable e) {
        f.completeExceptionally(e);
      }
    }, "negmine-pool-refresh");
    t.setDaemon(true);
    t.start();
    return r;
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

  void cancel() {
    cancelled = true;
  }
}
