package dev.negmine.text.finetune;

import dev.negmine.core.io.NegmineFormatException;
import dev.negmine.train.run.RunFiles;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Everything a fine-tuning run needs to continue exactly where it stopped: the step, every weight,
 * the optimizer's moments, the hard-negative candidates in use and the history so far (JSON
 * lines). Written atomically (a reader sees the old file or the new one); a torn or foreign file
 * is one line naming it.
 *
 * @param step optimizer steps taken
 * @param weights every parameter array, canonical order
 * @param optimizer AdamW's moments ({@code AdamW.state})
 * @param pool per training query, the mined candidates (corpus rows)
 * @param history the run's JSON lines so far (steps, evaluations)
 */
public record FineTuneCheckpoint(long step, List<float[]> weights, List<float[]> optimizer, int[][] pool, List<String> history) {
  private static final int MAGIC = 0x4E4D4654; // "NMFT"
  private static final int VERSION = 1;

  public void write(Path file) throws IOException {
    RunFiles.writeAtomically(file, o -> {
      DataOutputStream out = new DataOutputStream(o);
      out.writeInt(MAGIC);
      out.writeInt(VERSION);
      out.writeLong(step);
      writeArrays(out, weights);
      writeArrays(out, optimizer);
      out.writeInt(pool.length);
      for (int[] p : pool) {
        out.writeInt(p.length);
        for (int x : p) {
          out.writeInt(x);
        }
      }
      out.writeInt(history.size());
      for (String h : history) {
        byte[] b = h.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
      }
      out.flush();
    });
  }

  public static FineTuneCheckpoint read(Path file) throws IOException {
    try (InputStream raw = Files.newInputStream(file); DataInputStream in = new DataInputStream(new BufferedInputStream(raw, 1 << 20))) {
      if (in.readInt() != MAGIC || in.readInt() != VERSION) {
        throw new NegmineFormatException(file, "not a negmine fine-tuning checkpoint (version " + VERSION + ")");
      }
      long step = in.readLong();
      List<float[]> w = readArrays(in);
      List<float[]> opt = readArrays(in);
      int[][] pool = new int[in.readInt()][];
      for (int i = 0; i < pool.length; i++) {
        pool[i] = new int[in.readInt()];
        for (int j = 0; j < pool[i].length; j++) {
          pool[i][j] = in.readInt();
        }
      }
      int n = in.readInt();
      List<String> h = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        h.add(new String(in.readNBytes(in.readInt()), java.nio.charset.StandardCharsets.UTF_8));
      }
      if (in.read() != -1) {
        throw new NegmineFormatException(file, "trailing bytes after the checkpoint");
      }
      return new FineTuneCheckpoint(step, w, opt, pool, h);
    } catch (java.io.EOFException | NegativeArraySizeException | OutOfMemoryError e) {
      throw new NegmineFormatException(file, "truncated or corrupt checkpoint; delete it to start the run over with --resume");
    }
  }

  private static void writeArrays(DataOutputStream out, List<float[]> arrays) throws IOException {
    out.writeInt(arrays.size());
    byte[] buf = new byte[1 << 16];
    for (float[] a : arrays) {
      out.writeInt(a.length);
      java.nio.ByteBuffer bb = java.nio.ByteBuffer.wrap(buf);
      for (int i = 0; i < a.length; i++) {
        if (!bb.hasRemaining()) {
          out.write(buf, 0, bb.position());
          bb.clear();
        }
        bb.putFloat(a[i]);
      }
      out.write(buf, 0, bb.position());
    }
  }

  private static List<float[]> readArrays(DataInputStream in) throws IOException {
    int n = in.readInt();
    List<float[]> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      int len = in.readInt();
      byte[] b = in.readNBytes(len * 4);
      if (b.length != len * 4) {
        throw new java.io.EOFException();
      }
      float[] a = new float[len];
      java.nio.ByteBuffer.wrap(b).asFloatBuffer().get(a);
      out.add(a);
    }
    return out;
  }
}
