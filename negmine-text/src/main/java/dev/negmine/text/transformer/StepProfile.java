package dev.negmine.text.transformer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import dev.negmine.train.engine.TorchRuntime;
import java.util.List;

/**
 * Times one training step of a {@link TransformerEncoder} in its parts, for benchmarks: tokenise
 * (native tokenizer + Java padding), inputs (host arrays into tensors), forward (with an in-batch
 * InfoNCE loss), backward, gradient read-out (every gradient copied to the host, as a host-side
 * optimizer or an all-reduce does) and gradient zeroing. Dropout on, as in training. The weights
 * are not changed. Single-threaded.
 */
public final class StepProfile {
  /** Names of the parts, in the order of {@link #measure}'s rows. */
  public static final List<String> PARTS = List.of("tokenize", "inputs", "forward", "backward", "grad_readout", "zero_grad");

  /**
   * Row of {@link #measure}'s result after the parts: CPU milliseconds of the calling thread for the
   * whole step. With one PyTorch thread the kernels run on the caller, so this is the step's compute
   * even when other processes share the cores (wall time then overstates it).
   */
  public static final int CPU_ROW = 6;

  private StepProfile() {}

  /**
   * Approximate training FLOPs of one step: 6 x non-embedding parameters x tokens (forward 2,
   * backward 4) plus the attention products, 12 x layers x tokens x length x hidden.
   */
  public static double flops(BertConfig c, long tokens, int length) {
    double perLayer = 4.0 * c.hidden() * c.hidden() + 2.0 * c.hidden() * c.intermediate();
    return 6 * perLayer * c.layers() * tokens + 12.0 * c.layers() * tokens * length * c.hidden();
  }

  /**
   * Milliseconds per part (rows, {@link #PARTS} order, then {@link #CPU_ROW}) per measured step
   * (columns), after one warm-up step.
   */
  public static double[][] measure(TransformerEncoder enc, List<String> texts, int steps) {
    double[][] t = new double[PARTS.size() + 1][steps];
    java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
    List<Parameter> params = enc.parameters();
    for (int s = -1; s < steps; s++) {
      long c0 = mx.getCurrentThreadCpuTime();
      long t0 = System.nanoTime();
      TokenBatch b = enc.tokenize(texts);
      long t1 = System.nanoTime();
      try (NDManager scope = enc.manager().newSubManager()) {
        NDList in = b.toNDList(scope);
        long t2 = System.nanoTime();
        long t3;
        long t4;
        try (GradientCollector gc = TorchRuntime.engine().newGradientCollector()) {
          NDArray e = enc.block().forward(new ParameterStore(scope, false), in, true).singletonOrThrow();
          // in-batch InfoNCE (scale 20) of the batch against itself shifted by one row: a real loss of the usual cost
          NDArray keys = texts.size() > 1 ? e.get("1:").concat(e.get(":1")) : e;
          NDArray loss = e.matMul(keys.transpose()).mul(20f).logSoftmax(1).mul(scope.eye(texts.size())).sum().neg();
          t3 = System.nanoTime();
          gc.backward(loss);
          t4 = System.nanoTime();
        }
        float sink = 0;
        for (Parameter p : params) {
          float[] g = new float[(int) p.getArray().size()];
          p.getArray().getGradient().toByteBuffer(true).asFloatBuffer().get(0, g, 0, g.length);
          sink += g[0];
        }
        long t5 = System.nanoTime();
        for (Parameter p : params) {
          if (p.getArray() instanceof PtNDArray pt) {
            JniUtils.zeroGrad(pt);
          }
        }
        long t6 = System.nanoTime();
        if (Float.isNaN(sink)) {
          throw new IllegalStateException("NaN gradient");
        }
        if (s >= 0) {
          long[] marks = {t0, t1, t2, t3, t4, t5, t6};
          for (int p = 0; p < PARTS.size(); p++) {
            t[p][s] = (marks[p + 1] - marks[p]) / 1e6;
          }
          t[CPU_ROW][s] = (mx.getCurrentThreadCpuTime() - c0) / 1e6;
        }
      }
    }
    return t;
  }
}
