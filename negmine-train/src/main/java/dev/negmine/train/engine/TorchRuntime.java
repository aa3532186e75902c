package dev.negmine.train.engine;

import ai.djl.engine.Engine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.logging.Logger;

/**
 * Starts DJL's PyTorch engine the way negmine needs it: offline (the native library comes from the
 * {@code pytorch-native-cpu} jar on the class path, never from the network), extracted once into a
 * negmine-owned cache ({@code $NEGMINE_HOME/djl}, default {@code ~/.negmine/djl}), with intra- and
 * inter-op thread counts chosen for the machine.
 *
 * <p>DJL reads its settings only from system properties, and only when the engine first loads, so
 * this class is the one place in negmine that sets them; a property the user already set (on the
 * command line) is left alone. Thread-safe; the first call wins and later calls return the same
 * engine.
 */
public final class TorchRuntime {
  private static final Logger LOG = Logger.getLogger(TorchRuntime.class.getName());
  private static volatile Engine engine;

  private TorchRuntime() {}

  /** The PyTorch engine, loading it on first use. */
  public static Engine engine() {
    Engine e = engine;
    if (e == null) {
      synchronized (TorchRuntime.class) {
        e = engine;
        if (e == null) {
          configure();
          e = Engine.getEngine("PyTorch");
          engine = e;
        }
      }
    }
    return e;
  }

  /**
   * Applies negmine's DJL settings (offline, cache directory, threads) without loading PyTorch, for
   * other DJL native libraries (the HuggingFace tokenizers of the text encoders). Idempotent.
   */
  public static synchronized void configureDjl() {
    configure();
  }

  /** The cache directory the native library is extracted to. */
  public static Path cacheDir() {
    String home = System.getenv("NEGMINE_HOME");
    Path base = home != null && !home.isBlank()
        ? Path.of(home)
        : Path.of(System.getProperty("user.home"), ".negmine");
    return base.resolve("djl");
  }

  /**
   * Intra-op threads for {@code cores} available processors. Small embedding models on few cores
   * lose far more to thread hand-off than they gain (one thread each was 15–40x faster on 2 cores),
   * so up to 4 cores use one thread and larger machines use half their cores.
   */
  static int intraOpThreads(int cores) {
    return cores <= 4 ? 1 : Math.max(1, cores / 2);
  }

  /** Thread count in use, for provenance. */
  public static int threads() {
    return Integer.parseInt(System.getProperty("ai.djl.pytorch.num_threads", "1"));
  }

  private static void configure() {
    Path cache = cacheDir();
    try {
      Files.createDirectories(cache);
    } catch (java.io.IOException ex) {
      throw new IllegalStateException("cannot create the engine cache " + cache + ": " + ex.getMessage(), ex);
    }
    setIfAbsent("ai.djl.offline", "true");
    setIfAbsent("OPT_OUT_TRACKING", "true");
    setIfAbsent("DJL_CACHE_DIR", cache.toString());
    setIfAbsent("ENGINE_CACHE_DIR", cache.toString());
    setIfAbsent("ai.djl.default_engine", "PyTorch");
    int cores = Runtime.getRuntime().availableProcessors();
    setIfAbsent("ai.djl.pytorch.num_threads", Integer.toString(intraOpThreads(cores)));
    setIfAbsent("ai.djl.pytorch.num_interop_threads", "1");
    reproducibleMkl();
    LOG.fine(() -> "PyTorch engine: cache " + cache + ", threads " + System.getProperty("ai.djl.pytorch.num_threads"));
  }

  /**
   * PyTorch's CPU build links Intel MKL, whose GEMM picks code paths by the memory alignment of its
   * operands; a resumed run allocates its weights afresh, so without this the resumed run drifts
   * from the uninterrupted one by a few ulps after some hundred steps. {@code MKL_CBWR=AUTO,STRICT}
   * (conditional numerical reproducibility, alignment-independent) makes results depend only on
   * the inputs. MKL reads the variable from the C environment when first used, so it is set there
   * (through JNA, which DJL already ships) before the engine loads, unless the user set it.
   */
  private static void reproducibleMkl() {
    if (System.getenv("MKL_CBWR") != null) {
      return;
    }
    try {
      com.sun.jna.Function setenv = com.sun.jna.NativeLibrary.getInstance("c").getFunction("setenv");
      setenv.invokeInt(new Object[] {"MKL_CBWR", "AUTO,STRICT", 0});
    } catch (RuntimeException | LinkageError e) {
      LOG.warning("could not set MKL_CBWR (resumed runs may differ in the last bits): " + e);
    }
  }

  private static void setIfAbsent(String key, String value) {
    if (System.getProperty(key) == null) {
      System.setProperty(key, value);
    }
  }
}
