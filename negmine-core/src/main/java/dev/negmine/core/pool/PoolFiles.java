package dev.negmine.core.pool;

import dev.negmine.core.io.AtomicFiles;
import dev.negmine.core.io.DirectoryPublisher;
import dev.negmine.core.io.OwnedDirectory;
import dev.negmine.core.io.Json;
import dev.negmine.core.io.NegmineFormatException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A pool on disk is a directory holding {@code pool.bin} and {@code manifest.json}.
 *
 * <p>{@code pool.bin}, little-endian: magic {@code NEGMPOOL} (8 bytes), int32 format version,
 * int32 anchors A, int64 candidates N; then A int64 anchor ids, A int64 anchor labels, A int64
 * positive ids, A float32 positive scores, A+1 int64 offsets, N int64 candidate ids, N int64
 * candidate labels, N float32 candidate scores; nothing after.
 *
 * <p>A pool becomes visible as a whole: {@link #write} fills a hidden sibling directory (binary,
 * then the manifest holding the binary's SHA-256, then any extra files such as texts) and publishes
 * it with one directory rename ({@link DirectoryPublisher}), under a lock that refuses a second
 * writer; an earlier pool survives any failure or kill, and a non-pool directory is never replaced.
 * Readers verify the checksum, so a truncated or edited binary or a foreign file is refused with a
 * one-line {@link NegmineFormatException}. Pools written by earlier versions (files renamed one by
 * one, no marker) are read and replaced as before. Stateless and thread-safe.
 */
public final class PoolFiles {
  public static final int FORMAT_VERSION = 1;
  public static final String BINARY = "pool.bin";
  public static final String MANIFEST = "manifest.json";
  private static final byte[] MAGIC = "NEGMPOOL".getBytes(StandardCharsets.US_ASCII);
  private static final int HEADER = 8 + 4 + 4 + 8;

  private PoolFiles() {}

  /** The {@link OwnedDirectory} kind of a pool directory. */
  public static final String KIND = "pool";

  /** Publishes the pool as directory {@code dir} (replacing an earlier pool); returns the manifest as written. */
  public static PoolManifest write(Path dir, CandidatePool pool) throws IOException {
    return write(dir, pool, null);
  }

  /**
   * Publishes the pool as directory {@code dir}, with {@code extras} writing further files (e.g.
   * item texts) into the same directory before it becomes visible; null for none.
   */
  public static PoolManifest write(Path dir, CandidatePool pool, DirectoryPublisher.DirWriter<?> extras) throws IOException {
    return DirectoryPublisher.publish("--out", dir, KIND, PoolFiles::isPoolDirectory, tmp -> {
      PoolManifest m = writeInto(tmp, pool);
      if (extras != null) {
        extras.writeInto(tmp);
      }
      return m;
    });
  }

  /**
   * True when {@code dir} holds a pool or parts manifest (of any version, marked or not): a
   * directory an earlier negmine wrote, which a new pool may replace.
   */
  public static boolean isPoolDirectory(Path dir) {
    try {
      Object parsed = Json.parse(Files.readString(dir.resolve(MANIFEST), StandardCharsets.UTF_8));
      return parsed instanceof Map<?, ?> m && m.get("format") instanceof String f && f.startsWith("negmine-pool");
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  /**
   * Writes the pool's two files into {@code dir} (created if missing) in place, binary first: for
   * staging directories that are published afterwards. Use {@link #write} for a pool others read.
   */
  public static PoolManifest writeInto(Path dir, CandidatePool pool) throws IOException {
    Files.createDirectories(dir);
    MessageDigest sha = sha256();
    AtomicFiles.write(dir.resolve(BINARY), ch -> writeBinary(ch, pool, sha));
    PoolManifest m = pool.manifest().withPayloadSha256(HexFormat.of().formatHex(sha.digest()));
    AtomicFiles.writeString(dir.resolve(MANIFEST), Json.write(toJson(m)) + "\n");
    return m;
  }

  /** Reads and verifies a pool directory. */
  public static CandidatePool read(Path given) throws IOException {
    Path dir = DirectoryPublisher.readable(given);
    PoolManifest m = readManifest(dir);
    Path bin = dir.resolve(BINARY);
    if (!Files.isRegularFile(bin)) {
      throw new NegmineFormatException(bin, "missing: not a complete negmine pool directory");
    }
    try (FileChannel ch = FileChannel.open(bin, StandardOpenOption.READ)) {
      long size = ch.size();
      if (size > Integer.MAX_VALUE) {
        throw new NegmineFormatException(bin, "larger than 2 GiB, which this reader does not support");
      }
      ByteBuffer all = ByteBuffer.allocate((int) size).order(ByteOrder.LITTLE_ENDIAN);
      while (all.hasRemaining() && ch.read(all) >= 0) {
        // read fully
      }
      all.flip();
      MessageDigest sha = sha256();
      sha.update(all.duplicate());
      String digest = HexFormat.of().formatHex(sha.digest());
      if (size < HEADER) {
        throw new NegmineFormatException(bin, "not a negmine pool (too short)");
      }
      byte[] magic = new byte[8];
      all.get(magic);
      if (!java.util.Arrays.equals(magic, MAGIC)) {
        throw new NegmineFormatException(bin, "not a negmine pool (bad magic)");
      }
      int version = all.getInt();
      if (version != FORMAT_VERSION) {
        throw new NegmineFormatException(bin, "pool format version " + version + " is not supported (this build reads "
            + FORMAT_VERSION + ")");
      }
      if (!digest.equals(m.payloadSha256())) {
        throw new NegmineFormatException(bin, "checksum does not match " + MANIFEST + " (corrupt, truncated or from another pool)");
      }
      int a = all.getInt();
      long n = all.getLong();
      long expected = HEADER + 8L * a * 3 + 4L * a + 8L * (a + 1) + 20L * n;
      if (a < 0 || n < 0 || n > Integer.MAX_VALUE || expected != size) {
        throw new NegmineFormatException(bin, "size " + size + " does not match its header (" + a + " anchors, " + n + " candidates)");
      }
      long[] anchorIds = longs(all, a);
      long[] anchorLabels = longs(all, a);
      long[] positiveIds = longs(all, a);
      float[] positiveScores = floats(all, a);
      long[] off = longs(all, a + 1);
      int[] offsets = new int[a + 1];
      for (int i = 0; i <= a; i++) {
        if (off[i] < 0 || off[i] > n || (i > 0 && off[i] < off[i - 1])) {
          throw new NegmineFormatException(bin, "offsets are not non-decreasing within [0, " + n + "] at anchor " + i);
        }
        offsets[i] = (int) off[i];
      }
      if (offsets[0] != 0 || offsets[a] != n) {
        throw new NegmineFormatException(bin, "offsets do not span the candidates");
      }
      int nn = (int) n;
      return new CandidatePool(m, anchorIds, anchorLabels, positiveIds, positiveScores, offsets,
          longs(all, nn), longs(all, nn), floats(all, nn));
    }
  }

  /** Reads and validates only the manifest (cheap: for inspection and expiry checks). */
  public static PoolManifest readManifest(Path given) throws IOException {
    Path dir = DirectoryPublisher.readable(given);
    if (!Files.isDirectory(dir)) {
      throw new NegmineFormatException(dir, Files.exists(dir) ? "not a directory (a pool is a directory)" : "no such pool directory");
    }
    Path mf = dir.resolve(MANIFEST);
    String text;
    try {
      text = Files.readString(mf, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new NegmineFormatException(mf, "missing: not a negmine pool directory");
    } catch (java.nio.charset.MalformedInputException e) {
      throw new NegmineFormatException(mf, "not UTF-8 text");
    }
    try {
      Object parsed = Json.parse(text);
      if (parsed instanceof Map<?, ?> parts && "negmine-pool-parts".equals(parts.get("format"))) {
        throw new NegmineFormatException(mf, "Parquet parts, not a pool directory: convert them with negmine pool import "
            + dir + " --out POOL_DIR");
      }
      if (!(parsed instanceof Map<?, ?> map) || !"negmine-pool".equals(map.get("format"))) {
        throw new NegmineFormatException(mf, "not a negmine pool manifest (no \"format\": \"negmine-pool\")");
      }
      return fromJson(map);
    } catch (IllegalArgumentException | ClassCastException | NullPointerException | DateTimeParseException e) {
      throw new NegmineFormatException(mf, "malformed manifest: " + e.getMessage());
    }
  }

  /**
   * The manifest as the JSON object {@link #write} stores ({@code "format": "negmine-pool"}), for
   * writers of other layouts of the same pool (e.g. Parquet parts) that retag and extend it.
   */
  public static Map<String, Object> manifestJson(PoolManifest m) {
    return toJson(m);
  }

  /**
   * Parses a manifest object as {@link #manifestJson} writes it, whatever its {@code "format"} tag
   * (the caller checks that); malformed objects fail with one line naming {@code file}.
   */
  public static PoolManifest manifestFromJson(Path file, Map<?, ?> o) throws NegmineFormatException {
    try {
      return fromJson(o);
    } catch (IllegalArgumentException | ClassCastException | NullPointerException | DateTimeParseException e) {
      throw new NegmineFormatException(file, "malformed manifest: " + e.getMessage());
    }
  }

  static Map<String, Object> toJson(PoolManifest m) {
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("format", "negmine-pool");
    o.put("format_version", m.formatVersion());
    o.put("created_at", m.createdAt().toString());
    o.put("expires_at", m.expiresAt().toString());
    o.put("payload_sha256", m.payloadSha256());
    o.put("recall", m.recall());
    o.put("counts", m.counts());
    o.put("filters", m.filters());
    o.put("index", m.index());
    o.put("source", m.source());
    return o;
  }

  @SuppressWarnings("unchecked")
  private static PoolManifest fromJson(Map<?, ?> o) throws NegmineFormatException {
    // name the first missing or mistyped field, rather than fail on it somewhere below
    for (String f : new String[] {"format_version", "created_at", "expires_at", "source", "index", "filters", "counts"}) {
      Object v = o.get(f);
      boolean ok = f.equals("format_version") ? v instanceof Number : f.endsWith("_at") ? v instanceof String : v instanceof Map;
      if (!ok) {
        throw new IllegalArgumentException("field \"" + f + "\" is " + (v == null ? "missing" : "of the wrong type (" + v + ")"));
      }
    }
    int version = ((Number) o.get("format_version")).intValue();
    if (version != FORMAT_VERSION) {
      throw new NegmineFormatException(MANIFEST, "pool format version " + version + " is not supported (this build reads "
          + FORMAT_VERSION + ")");
    }
    Object recall = o.get("recall");
    return new PoolManifest(version,
        new PoolManifest.Lifetime(Instant.parse((String) o.get("created_at")), Instant.parse((String) o.get("expires_at"))),
        map(o.get("source")), map(o.get("index")), map(o.get("filters")), map(o.get("counts")),
        recall == null ? Double.NaN : ((Number) recall).doubleValue(), (String) o.get("payload_sha256"));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object v) {
    if (!(v instanceof Map<?, ?>)) {
      throw new IllegalArgumentException("expected an object, got " + v);
    }
    Map<String, Object> out = new LinkedHashMap<>();
    ((Map<String, Object>) v).forEach((k, x) -> out.put(k, x == null ? "null" : x));
    return out;
  }

  private static void writeBinary(FileChannel ch, CandidatePool p, MessageDigest sha) throws IOException {
    int a = p.anchors();
    long n = p.candidates();
    ByteBuffer head = ByteBuffer.allocate(HEADER).order(ByteOrder.LITTLE_ENDIAN);
    head.put(MAGIC).putInt(FORMAT_VERSION).putInt(a).putLong(n).flip();
    out(ch, head, sha);
    putLongs(ch, p.anchorIdArray(), sha);
    putLongs(ch, p.anchorLabelArray(), sha);
    putLongs(ch, p.positiveIdArray(), sha);
    putFloats(ch, p.positiveScoreArray(), sha);
    int[] off = p.offsetArray();
    long[] off64 = new long[off.length];
    for (int i = 0; i < off.length; i++) {
      off64[i] = off[i];
    }
    putLongs(ch, off64, sha);
    putLongs(ch, p.candidateIdArray(), sha);
    putLongs(ch, p.candidateLabelArray(), sha);
    putFloats(ch, p.candidateScoreArray(), sha);
  }

  private static void putLongs(FileChannel ch, long[] v, MessageDigest sha) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
    for (long x : v) {
      if (b.remaining() < 8) {
        b.flip();
        out(ch, b, sha);
        b.clear();
      }
      b.putLong(x);
    }
    b.flip();
    out(ch, b, sha);
  }

  private static void putFloats(FileChannel ch, float[] v, MessageDigest sha) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
    for (float x : v) {
      if (b.remaining() < 4) {
        b.flip();
        out(ch, b, sha);
        b.clear();
      }
      b.putFloat(x);
    }
    b.flip();
    out(ch, b, sha);
  }

  private static void out(FileChannel ch, ByteBuffer b, MessageDigest sha) throws IOException {
    sha.update(b.duplicate());
    while (b.hasRemaining()) {
      ch.write(b);
    }
  }

  private static long[] longs(ByteBuffer b, int n) {
    long[] out = new long[n];
    b.asLongBuffer().get(out);
    b.position(b.position() + 8 * n);
    return out;
  }

  private static float[] floats(ByteBuffer b, int n) {
    float[] out = new float[n];
    b.asFloatBuffer().get(out);
    b.position(b.position() + 4 * n);
    return out;
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every JDK", e);
    }
  }
}
