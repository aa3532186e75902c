package dev.negmine.text;

import dev.negmine.core.io.AtomicFiles;
import dev.negmine.core.linalg.FloatMatrix;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;
import java.util.logging.Logger;

/**
 * On-disk text embeddings of one encoder, keyed by the encoder's {@linkplain TextEncoder#fingerprint()
 * weights fingerprint} and the SHA-256 of each text — never by the encoder's name, so replacing a
 * model's weights under the same name can never serve stale vectors. One file per fingerprint,
 * {@code DIR/<fingerprint>.emb}; its header repeats the fingerprint, and a file whose header names
 * other weights is ignored. Files are rewritten atomically (temp + rename) by {@link #flush}.
 *
 * <p>Not thread-safe: one owner per instance. {@link #encode} is the usual entry point.
 */
public final class EmbeddingCache {
  private static final Logger LOG = Logger.getLogger(EmbeddingCache.class.getName());
  private static final byte[] MAGIC = "NMTXTEMB".getBytes(StandardCharsets.US_ASCII);
  private static final int VERSION = 1;

  private final Path file;
  private final String fingerprint;
  private final int dim;
  private final Map<String, float[]> vectors = new HashMap<>();
  private boolean dirty;

  private EmbeddingCache(Path file, String fingerprint, int dim) {
    this.file = file;
    this.fingerprint = fingerprint;
    this.dim = dim;
  }

  /** The default cache directory: {@code $NEGMINE_HOME/cache/text}, else {@code ~/.negmine/cache/text}. */
  public static Path defaultDir() {
    String home = System.getenv("NEGMINE_HOME");
    Path base = home != null && !home.isBlank() ? Path.of(home) : Path.of(System.getProperty("user.home"), ".negmine");
    return base.resolve("cache").resolve("text");
  }

  /** Opens (or starts) the cache of the encoder with {@code fingerprint} under {@code dir}. */
  public static EmbeddingCache open(Path dir, String fingerprint, int dim) throws IOException {
    if (fingerprint == null || !fingerprint.matches("[0-9a-f]{64}")) {
      throw new IllegalArgumentException("a cache key must be a SHA-256 fingerprint, got '" + fingerprint + "'");
    }
    EmbeddingCache c = new EmbeddingCache(dir.resolve(fingerprint + ".emb"), fingerprint, dim);
    if (Files.isRegularFile(c.file)) {
      c.load();
    }
    return c;
  }

  private void load() throws IOException {
    try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16))) {
      byte[] magic = in.readNBytes(MAGIC.length);
      int version = in.readInt();
      String fp = new String(in.readNBytes(64), StandardCharsets.US_ASCII);
      int d = in.readInt();
      int n = in.readInt();
      if (!Arrays.equals(magic, MAGIC) || version != VERSION || !fp.equals(fingerprint) || d != dim || n < 0) {
        LOG.warning(() -> file + " holds embeddings of other weights or another format; ignoring it");
        return;
      }
      byte[] key = new byte[32];
      for (int i = 0; i < n; i++) {
        in.readFully(key);
        float[] v = new float[d];
        for (int k = 0; k < d; k++) {
          v[k] = in.readFloat();
        }
        vectors.put(HexFormat.of().formatHex(key), v);
      }
    } catch (EOFException e) {
      LOG.warning(() -> file + " is truncated; ignoring the rest of it");
    }
  }

  /** Number of cached texts. */
  public int size() {
    return vectors.size();
  }

  /** The cached embedding of {@code text} (a copy), or null. */
  public float[] get(String text) {
    float[] v = vectors.get(key(text));
    return v == null ? null : v.clone();
  }

  /** Records the embedding of {@code text} made by this cache's encoder. */
  public void put(String text, float[] embedding) {
    if (embedding.length != dim) {
      throw new IllegalArgumentException("embedding has " + embedding.length + " dimensions, the cache " + dim);
    }
    vectors.put(key(text), embedding.clone());
    dirty = true;
  }

  /** Writes the file atomically if anything was added. */
  public void flush() throws IOException {
    if (!dirty) {
      return;
    }
    Files.createDirectories(file.getParent());
    AtomicFiles.writeStream(file, os -> {
      DataOutputStream out = new DataOutputStream(new BufferedOutputStream(os, 1 << 16));
      out.write(MAGIC);
      out.writeInt(VERSION);
      out.write(fingerprint.getBytes(StandardCharsets.US_ASCII));
      out.writeInt(dim);
      out.writeInt(vectors.size());
      for (Map.Entry<String, float[]> e : vectors.entrySet()) {
        out.write(HexFormat.of().parseHex(e.getKey()));
        for (float f : e.getValue()) {
          out.writeFloat(f);
        }
      }
      out.flush();
    });
    dirty = false;
  }

  static String key(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * What {@link #encode} did.
   *
   * @param hits texts served from the cache
   * @param encoded texts run through the encoder (distinct texts missing from the cache)
   * @param seconds wall time
   */
  public record Stats(int hits, int encoded, double seconds) {}

  /** Embeddings with the statistics of the call that made them. */
  public record Encoded(FloatMatrix embeddings, Stats stats) {}

  /**
   * Embeddings of {@code texts} (one row each, in order) under {@code encoder}: cached vectors
   * where the cache in {@code cacheDir} has them, the rest encoded in batches of {@code batch}
   * texts on {@code threads} threads (texts sorted by length so batches pad little), then cached.
   *
   * @param cacheDir cache directory, or null for no cache
   * @param progress told the number of texts finished so far (from worker threads), or null
   */
  public static Encoded encode(TextEncoder encoder, List<String> texts, Path cacheDir, int threads, int batch,
      LongConsumer progress) throws IOException {
    long start = System.nanoTime();
    if (batch < 1 || threads < 1) {
      throw new IllegalArgumentException("batch and threads must be >= 1, got " + batch + ", " + threads);
    }
    for (int i = 0; i < texts.size(); i++) {
      if (texts.get(i) == null || texts.get(i).isBlank()) {
        throw new IllegalArgumentException("text " + i + " is empty");
      }
    }
    int d = encoder.dimension();
    EmbeddingCache cache = cacheDir == null ? null : open(cacheDir, encoder.fingerprint(), d);
    Map<String, float[]> found = new LinkedHashMap<>();
    List<String> missing = new ArrayList<>();
    int hits = 0;
    for (String t : texts) {
      if (found.containsKey(t)) {
        continue;
      }
      float[] v = cache == null ? null : cache.vectors.get(key(t));
      found.put(t, v);
      if (v == null) {
        missing.add(t);
      } else {
        hits++;
      }
    }
    missing.sort((a, b) -> Integer.compare(a.length(), b.length()));
    AtomicLong done = new AtomicLong(hits);
    if (progress != null) {
      progress.accept(done.get());
    }
    if (!missing.isEmpty()) {
      ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
        Thread t = new Thread(r, "negmine-text-encode");
        t.setDaemon(true);
        return t;
      });
      try {
        List<Future<FloatMatrix>> parts = new ArrayList<>();
        for (int from = 0; from < missing.size(); from += batch) {
          List<String> chunk = missing.subList(from, Math.min(missing.size(), from + batch));
          parts.add(pool.submit(() -> {
            FloatMatrix m = encoder.encode(chunk);
            if (progress != null) {
              progress.accept(done.addAndGet(chunk.size()));
            }
            return m;
          }));
        }
        int at = 0;
        for (Future<FloatMatrix> f : parts) {
          FloatMatrix m = f.get();
          for (int i = 0; i < m.rows(); i++) {
            String t = missing.get(at++);
            float[] v = m.row(i);
            found.put(t, v);
            if (cache != null) {
              cache.put(t, v);
            }
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while encoding", e);
      } catch (ExecutionException e) {
        Throwable c = e.getCause();
        if (c instanceof RuntimeException re) {
          throw re;
        }
        throw new IllegalStateException(c);
      } finally {
        pool.shutdownNow();
      }
      if (cache != null) {
        cache.flush();
      }
    }
    float[] out = new float[texts.size() * d];
    for (int i = 0; i < texts.size(); i++) {
      System.arraycopy(found.get(texts.get(i)), 0, out, i * d, d);
    }
    return new Encoded(FloatMatrix.of(texts.size(), d, out),
        new Stats(hits, missing.size(), (System.nanoTime() - start) / 1e9));
  }
}
