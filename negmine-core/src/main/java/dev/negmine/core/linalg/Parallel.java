package dev.negmine.core.linalg;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

/**
 * Runs numbered tasks on the calling thread plus helpers from one lazily created, library-private
 * {@link ForkJoinPool} (daemon threads, never the common pool, no JVM-wide settings). Tasks are
 * pulled from a shared counter, so uneven tasks balance themselves.
 *
 * <p>Thread-safe; many callers may share one instance. {@link #forEach} returns only after every
 * task that started has finished, so no task body runs after it returns or throws.
 */
final class Parallel {
  private static final Parallel SERIAL = new Parallel(1);
  private static volatile Parallel shared;

  private final int threads;
  private volatile ForkJoinPool pool;

  private Parallel(int threads) {
    this.threads = threads;
  }

  /** Runs everything on the calling thread. */
  static Parallel serial() {
    return SERIAL;
  }

  /** One thread per available processor (counted once, when first asked for). */
  static Parallel shared() {
    Parallel p = shared;
    if (p == null) {
      synchronized (Parallel.class) {
        p = shared;
        if (p == null) {
          p = new Parallel(Math.max(1, Runtime.getRuntime().availableProcessors()));
          shared = p;
        }
      }
    }
    return p;
  }

  /** A separate pool of {@code threads} threads, the caller included (tests vary the count). */
  static Parallel ofThreads(int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be >= 1, got " + threads);
    }
    return threads == 1 ? SERIAL : new Parallel(threads);
  }

  /** Threads that may run tasks at once, the caller included. */
  int threads() {
    return threads;
  }

  /**
   * Runs {@code body.accept(t)} once for every {@code t} in {@code [0, tasks)}, on up to
   * {@link #threads()} threads. After a task throws, no new task starts; the first exception is
   * rethrown once every running task has stopped.
   */
  void forEach(int tasks, IntConsumer body) {
    int helpers = Math.min(threads - 1, tasks - 1);
    if (helpers <= 0) {
      for (int t = 0; t < tasks; t++) {
        body.accept(t);
      }
      return;
    }
    AtomicInteger next = new AtomicInteger();
    AtomicBoolean failed = new AtomicBoolean();
    Runnable loop = () -> {
      int t;
      while (!failed.get() && (t = next.getAndIncrement()) < tasks) {
        try {
          body.accept(t);
        } catch (RuntimeException | Error e) {
          failed.set(true);
          throw e;
        }
      }
    };
    ForkJoinPool p = pool();
    ForkJoinTask<?>[] started = new ForkJoinTask<?>[helpers];
    for (int h = 0; h < helpers; h++) {
      started[h] = p.submit(loop);
    }
    Throwable first = null;
    try {
      loop.run();
    } catch (RuntimeException | Error e) {
      first = e;
    }
    for (ForkJoinTask<?> f : started) {
      try {
        f.join();
      } catch (RuntimeException | Error e) {
        if (first == null) {
          first = e;
        } else if (first != e) {
          first.addSuppressed(e);
        }
      }
    }
    if (first instanceof RuntimeException re) {
      throw re;
    }
    if (first instanceof Error err) {
      throw err;
    }
  }

  private ForkJoinPool pool() {
    ForkJoinPool p = pool;
    if (p == null) {
      synchronized (this) {
        p = pool;
        if (p == null) {
          p = new ForkJoinPool(threads - 1, pool -> {
            var t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(pool);
            t.setName("negmine-kernel-" + t.getPoolIndex());
            t.setDaemon(true);
            return t;
          }, null, false);
          pool = p;
        }
      }
    }
    return p;
  }
}
