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
 * @param trainOn the query indices the batch plan draws from (all of them in version 1 files)
 * @param history the run's JSON lines so far (steps, evaluations)
 * @param queueRows corpus rows of the cross-batch queue, oldest first (empty without a queue)
 * @param queueEmbeddings their embeddings, row-major
 */
public record FineTuneCheckpoint(long step, List<float[]> weights, List<float[]> optimizer, int[][] pool, int[] trainOn, List<String> history,
    int[] queueRows, float[] queueEmbeddings) {
  private static final int MAGIC = 0x4E4D4654; // "NMFT"
  /** 2 added the training queries and the queue; version 1 files (all queries, no queue) still read. */
  private static final int VERSION = 2;

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
      out.writeInt(trainOn.length);
      for (int q : trainOn) {
        out.writeInt(q);
      }
      out.writeInt(history.size());
      for (String h : history) {
        byte[] b = h.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
      }
      out.writeInt(queueRows.length);
      for (int r : queueRows) {
        out.writeInt(r);
      }
      writeArrays(out, List.of(queueEmbeddings));
      out.flush();
    });
  }

  public static FineTuneCheckpoint read(Path file) throws IOException {
    try (InputStream raw = Files.newInputStream(file); DataInputStream in = new DataInputStream(new BufferedInputStream(raw, 1 << 20))) {
      int version = in.readInt() == MAGIC ? in.readInt() : -1;
      if (version != 1 && version != VERSION) {
        throw new NegmineFormatException(file, "not a negmine fine-tuning checkpoint (version 1 or " + VERSION + ")");
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
      int[] trainOn;
      if (version == 1) {
        trainOn = java.util.stream.IntStream.range(0, pool.length).toArray();
      } else {
        trainOn = new int[in.readInt()];
        for (int i = 0; i < trainOn.length; i++) {
          trainOn[i] = in.readInt();
        }
      }
      int n = in.readInt();
      List<String> h = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        h.add(new String(in.readNBytes(in.readInt()), java.nio.charset.StandardCharsets.UTF_8));
      }
      int[] queueRows = new int[version == 1 ? 0 : in.readInt()];
      for (int i = 0; i < queueRows.length; i++) {
        queueRows[i] = in.readInt();
      }
      float[] queueEmbeddings = version == 1 ? new float[0] : readArrays(in).get(0);
      if (in.read() != -1) {
        throw new NegmineFormatException(file, "trailing bytes after the checkpoint");
      }
      return new FineTuneCheckpoint(step, w, opt, pool, trainOn, h, queueRows, queueEmbeddings);
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
