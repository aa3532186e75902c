package dev.negmine.train.step;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import dev.negmine.core.linalg.FloatMatrix;
import dev.negmine.train.engine.Adam;

/** One process: the whole step's rows go through the encoder on the graph. */
public final class LocalExecution implements StepExecution {
  private final Block block;
  private final NDManager manager;
  private final ParameterStore store;
  private final int dim;

  public LocalExecution(Block block, NDManager manager, ParameterStore store, int dim) {
    this.block = block;
    this.manager = manager;
    this.store = store;
    this.dim = dim;
  }

  @Override
  public Encoded forward(GradientCollector gc, FloatMatrix x, long[] rowLabels, long[] rowIds, long step) {
    NDArray input = manager.create(x.data(), new Shape(x.rows(), x.cols()));
    NDArray all = block.forward(store, new NDList(input), true).singletonOrThrow();
    return new Encoded(FloatMatrix.of(x.rows(), dim, all.toFloatArray()), all);
  }

  @Override
  public void backward(GradientCollector gc, Encoded encoded, NDArray loss, float[] hostGradient) {
    if (loss != null) {
      gc.backward(loss);
      return;
    }
    // d loss / d e from the host, back-propagated through the encoder as sum(e * G)
    int rows = hostGradient.length / dim;
    NDArray e = rows == encoded.host().rows() ? encoded.graph() : encoded.graph().get("0:" + rows);
    gc.backward(e.mul(manager.create(hostGradient, e.getShape())).sum());
  }

  @Override
  public void update(Adam adam) {
    adam.step();
  }
}
