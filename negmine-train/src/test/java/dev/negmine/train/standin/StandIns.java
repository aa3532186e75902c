package dev.negmine.train.standin;

import dev.negmine.core.linalg.FloatMatrix;
import dev.negmine.core.mining.Miner;
import dev.negmine.core.mining.MinerConfig;
import dev.negmine.core.mining.MiningBatch;
import dev.negmine.core.mining.Triplets;
import dev.negmine.train.MinerFactory;
import dev.negmine.train.data.LabeledData;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.zip.GZIPInputStream;

/**
 * TEST-SCOPE STAND-INS for the core miners, IDX reader and metrics that other branches deliver.
 * Deleted once dev.negmine.core.{mining.Miners, io, metrics} land on main.
 */
public final class StandIns {
  private StandIns() {}

  public static final MinerFactory MINERS = (preset, cfg) -> new Miner() {
    @Override public String name() { return preset; }
    @Override public MinerConfig config() { return cfg; }
    @Override public Triplets mine(MiningBatch b, long step) { return mineL2(preset, b, cfg.margin()); }
  };

  /** Scores are L2 distances (MiningBatch default). */
  static Triplets mineL2(String preset, MiningBatch b, double margin) {
    FloatMatrix s = b.scores();
    int n = b.size();
    long[] l = b.labels();
    int cap = 1 << 16;
    int[] a = new int[cap];
    int[] p = new int[cap];
    int[] g = new int[cap];
    int t = 0;
    for (int i = 0; i < n; i++) {
      if (preset.equals("batch-hard")) {
        int hp = -1;
        int hn = -1;
        for (int j = 0; j < n; j++) {
          if (j == i) continue;
          if (l[j] == l[i]) {
            if (hp < 0 || s.get(i, j) > s.get(i, hp)) hp = j;
          } else if (hn < 0 || s.get(i, j) < s.get(i, hn)) hn = j;
        }
        if (hp >= 0 && hn >= 0) {
          if (t == a.length) { a = java.util.Arrays.copyOf(a, 2 * t); p = java.util.Arrays.copyOf(p, 2 * t); g = java.util.Arrays.copyOf(g, 2 * t); }
          a[t] = i; p[t] = hp; g[t] = hn; t++;
        }
        continue;
      }
      for (int j = 0; j < n; j++) {
        if (j == i || l[j] != l[i]) continue;
        float dap = s.get(i, j);
        for (int k = 0; k < n; k++) {
          if (l[k] == l[i]) continue;
          float dan = s.get(i, k);
          boolean keep = switch (preset) {
            case "semihard-band" -> dan > dap && dan < dap + margin;
            case "all-band" -> dan < dap + margin;
            default -> throw new IllegalArgumentException("stand-in has no preset " + preset);
          };
          if (keep) {
            if (t == a.length) { a = java.util.Arrays.copyOf(a, 2 * t); p = java.util.Arrays.copyOf(p, 2 * t); g = java.util.Arrays.copyOf(g, 2 * t); }
            a[t] = i; p[t] = j; g[t] = k; t++;
          }
        }
      }
    }
    return Triplets.of(a, p, g, t);
  }

  /** Reads an IDX images gz + labels gz pair. */
  public static LabeledData idx(Path images, Path labels, int limit) throws IOException {
    try (DataInputStream im = new DataInputStream(new GZIPInputStream(Files.newInputStream(images)));
         DataInputStream lb = new DataInputStream(new GZIPInputStream(Files.newInputStream(labels)))) {
      im.readInt();
      int n = Math.min(im.readInt(), limit);
      int r = im.readInt();
      int c = im.readInt();
      lb.readInt();
      lb.readInt();
      byte[] px = im.readNBytes(n * r * c);
      byte[] ls = lb.readNBytes(n);
      float[] f = new float[px.length];
      for (int i = 0; i < f.length; i++) f[i] = px[i] & 0xff;
      long[] lab = new long[n];
      for (int i = 0; i < n; i++) lab[i] = ls[i];
      return new LabeledData(FloatMatrix.of(n, r * c, f), lab, r, images.toString());
    }
  }

  /** MAP@R and P@1 by cosine, each item querying all others. */
  public static Map<String, Double> metrics(FloatMatrix e, long[] labels) {
    int n = e.rows();
    int d = e.cols();
    float[] x = e.data().clone();
    for (int i = 0; i < n; i++) {
      double s = 0;
      for (int k = 0; k < d; k++) s += x[i * d + k] * x[i * d + k];
      float inv = (float) (1 / Math.max(Math.sqrt(s), 1e-12));
      for (int k = 0; k < d; k++) x[i * d + k] *= inv;
    }
    Map<Long, Integer> counts = new HashMap<>();
    for (long l : labels) counts.merge(l, 1, Integer::sum);
    double[] ap = new double[n];
    double[] p1 = new double[n];
    IntStream.range(0, n).parallel().forEach(i -> {
      long[] keys = new long[n - 1];
      int o = 0;
      for (int j = 0; j < n; j++) {
        if (j == i) continue;
        double s = 0;
        for (int k = 0; k < d; k++) s += x[i * d + k] * x[j * d + k];
        int bits = Float.floatToIntBits((float) -s);
        bits ^= (bits >> 31) & 0x7fffffff;
        keys[o++] = ((long) bits << 32) | j;
      }
      java.util.Arrays.sort(keys);
      int[] order = new int[n - 1];
      for (int k = 0; k < n - 1; k++) order[k] = (int) keys[k];
      int r = counts.get(labels[i]) - 1;
      double sum = 0;
      int hits = 0;
      for (int k = 0; k < r; k++) {
        if (labels[order[k]] == labels[i]) { hits++; sum += (double) hits / (k + 1); }
      }
      ap[i] = r == 0 ? 0 : sum / r;
      p1[i] = labels[order[0]] == labels[i] ? 1 : 0;
    });
    Map<String, Double> m = new LinkedHashMap<>();
    m.put("map_at_r", java.util.Arrays.stream(ap).average().orElse(0));
    m.put("p_at_1", java.util.Arrays.stream(p1).average().orElse(0));
    return m;
  }

  public static InputStream unused() { return null; }
}
