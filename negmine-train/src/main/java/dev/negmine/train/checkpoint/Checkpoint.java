package dev.negmine.train.checkpoint;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A training position that {@code --resume} continues from exactly. There is no separate RNG state
 * to save: every random choice (batches, miner sampling, the random baseline) is a pure function of
 * (seed, epoch, step), and weight initialisation happens only at step 0; restoring weights,
 * optimizer moments and the counters restores everything.
 *
 * <p>File layout (big-endian): magic {@code NMCKPT}, format version, config JSON, provenance JSON,
 * epoch, step in epoch, global step, weights (DJL parameter bytes), optimizer step count and arrays,
 * metrics log length, then (version 2) the negative sources' state (memory queue, key encoder, the
 * candidate pool in use; empty without sources).
 *
 * @param configJson the run's full configuration; resuming checks it equals the new run's
 * @param provenanceJson provenance of the run that wrote the checkpoint
 * @param position where in the schedule training continues
 * @param weights the model's parameters (DJL parameter bytes)
 * @param optimizer the optimizer's state
 * @param metricsBytes length of {@code metrics.jsonl} when the checkpoint was taken; a resumed run
 *     truncates the log there, so it holds no line from steps that are about to be redone
 * @param sources the negative sources' state; empty without sources
 */
public record Checkpoint(
    String configJson,
    String provenanceJson,
    Position position,
    byte[] weights,
    OptimizerState optimizer,
    long metricsBytes,
    byte[] sources) {

  private static final byte[] MAGIC = "NMCKPT".getBytes(StandardCharsets.US_ASCII);
  static final int VERSION = 2;

  /**
   * A position in the training schedule.
   *
   * @param epoch the epoch the next step belongs to
   * @param stepInEpoch steps already taken in that epoch
   * @param step global steps already taken
   */
  public record Position(int epoch, int stepInEpoch, long step) {
    public Position {
      if (epoch < 0 || stepInEpoch < 0 || step < 0) {
        throw new IllegalArgumentException("checkpoint position must be non-negative");
      }
    }
  }

  /**
   * The optimizer's state.
   *
   * @param steps updates the optimizer has applied (its bias-correction count)
   * @param arrays its moment arrays, in the optimizer's own order (copied)
   */
  public record OptimizerState(long steps, List<float[]> arrays) {
    public OptimizerState {
      if (arrays == null) {
        throw new IllegalArgumentException("checkpoint fields must be set");
      }
      arrays = List.copyOf(arrays);
    }
  }

  public Checkpoint {
    if (configJson == null || provenanceJson == null || position == null || weights == null || optimizer == null) {
      throw new IllegalArgumentException("checkpoint fields must be set");
    }
    sources = sources == null ? new byte[0] : sources;
  }

  public void write(OutputStream os) throws IOException {
    DataOutputStream out = new DataOutputStream(os);
    out.write(MAGIC);
    out.writeInt(VERSION);
    writeString(out, configJson);
    writeString(out, provenanceJson);
    out.writeInt(position.epoch());
    out.writeInt(position.stepInEpoch());
    out.writeLong(position.step());
    out.writeInt(weights.length);
    out.write(weights);
    out.writeLong(optimizer.steps());
    out.writeInt(optimizer.arrays().size());
    for (float[] a : optimizer.arrays()) {
      out.writeInt(a.length);
      for (float v : a) {
        out.writeFloat(v);
      }
    }
    out.writeLong(metricsBytes);
    out.writeInt(sources.length);
    out.write(sources);
    out.flush();
  }

  /** Reads a checkpoint; a clear {@link IOException} for anything that is not one. */
  public static Checkpoint read(InputStream is) throws IOException {
    DataInputStream in = new DataInputStream(is);
    byte[] magic = in.readNBytes(MAGIC.length);
    if (!java.util.Arrays.equals(magic, MAGIC)) {
      throw new IOException("not a negmine checkpoint (bad magic)");
    }
    int version = in.readInt();
    if (version != VERSION && version != 1) {
      throw new IOException("checkpoint format version " + version + " is not supported (expected " + VERSION + ")");
    }
    String config = readString(in);
    String provenance = readString(in);
    int epoch = in.readInt();
    int stepInEpoch = in.readInt();
    long step = in.readLong();
    byte[] weights = in.readNBytes(checkedLength(in.readInt()));
    long optSteps = in.readLong();
    int arrays = checkedLength(in.readInt());
    List<float[]> opt = new ArrayList<>(arrays);
    for (int i = 0; i < arrays; i++) {
      float[] a = new float[checkedLength(in.readInt())];
      for (int k = 0; k < a.length; k++) {
        a[k] = in.readFloat();
      }
      opt.add(a);
    }
    long metricsBytes = in.readLong();
    byte[] sources = version >= 2 ? in.readNBytes(checkedLength(in.readInt())) : new byte[0];
    return new Checkpoint(config, provenance, new Position(epoch, stepInEpoch, step), weights,
        new OptimizerState(optSteps, opt), metricsBytes, sources);
  }

  public byte[] toBytes() throws IOException {
    ByteArrayOutputStream bos = new ByteArrayOutputStream();
    write(bos);
    return bos.toByteArray();
  }

  public static Checkpoint fromBytes(byte[] b) throws IOException {
    return read(new ByteArrayInputStream(b));
  }

  private static int checkedLength(int n) throws IOException {
    if (n < 0 || n > (1 << 30)) {
      throw new IOException("corrupt checkpoint: length " + n);
    }
    return n;
  }

  private static void writeString(DataOutputStream out, String s) throws IOException {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    out.writeInt(b.length);
    out.write(b);
  }

  private static String readString(DataInputStream in) throws IOException {
    return new String(in.readNBytes(checkedLength(in.readInt())), StandardCharsets.UTF_8);
  }
}
