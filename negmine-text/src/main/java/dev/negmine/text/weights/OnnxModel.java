package dev.negmine.text.weights;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An ONNX model file read without generated protobuf classes: its graph's initializers (the
 * weights) and nodes, and a rewrite that replaces initializer values and copies every other byte
 * of the file through, so the graph, its inputs and outputs and its metadata stay the original
 * ones. Immutable after construction; thread-safe. Holds the whole file in memory.
 */
public final class OnnxModel {
  /** ONNX {@code TensorProto.DataType.FLOAT}. */
  static final int FLOAT = 1;

  // field numbers of onnx.proto3
  private static final int MODEL_GRAPH = 7;
  private static final int GRAPH_NODE = 1;
  private static final int GRAPH_INITIALIZER = 5;
  private static final int NODE_INPUT = 1;
  private static final int NODE_OUTPUT = 2;
  private static final int NODE_NAME = 3;
  private static final int NODE_OP = 4;
  private static final int TENSOR_DIMS = 1;
  private static final int TENSOR_TYPE = 2;
  private static final int TENSOR_FLOATS = 4;
  private static final int TENSOR_NAME = 8;
  private static final int TENSOR_RAW = 9;
  private static final int TENSOR_LOCATION = 14;

  /** One graph node (operator). */
  public record Node(String name, String op, List<String> inputs, List<String> outputs) {}

  /** One initializer: name, shape, ONNX data type and where its bytes are. */
  public record Initializer(String name, long[] dims, int dataType) {
    public long size() {
      long n = 1;
      for (long d : dims) {
        n *= d;
      }
      return n;
    }
  }

  private final byte[] bytes;
  private final String source;
  private final Protobuf.Field graph;
  private final Map<String, Initializer> initializers = new LinkedHashMap<>();
  private final Map<String, Protobuf.Field> tensors = new java.util.HashMap<>();
  private final List<Node> nodes = new ArrayList<>();

  /**
   * Parses {@code bytes} (kept, not copied).
   *
   * @param source where the bytes came from, for messages
   * @throws IllegalArgumentException if the bytes are not an ONNX model with a graph
   */
  public OnnxModel(byte[] bytes, String source) {
    this.bytes = bytes;
    this.source = source;
    Protobuf.Field g = null;
    for (Protobuf.Field f : Protobuf.fields(bytes, 0, bytes.length)) {
      if (f.number() == MODEL_GRAPH && f.wire() == Protobuf.LEN) {
        g = f;
      }
    }
    if (g == null) {
      throw new IllegalArgumentException(source + ": not an ONNX model (no graph)");
    }
    this.graph = g;
    for (Protobuf.Field f : Protobuf.fields(bytes, g.start(), g.end())) {
      if (f.number() == GRAPH_INITIALIZER && f.wire() == Protobuf.LEN) {
        Initializer init = initializer(f);
        initializers.put(init.name(), init);
        tensors.put(init.name(), f);
      } else if (f.number() == GRAPH_NODE && f.wire() == Protobuf.LEN) {
        nodes.add(node(f));
      }
    }
  }

  private Initializer initializer(Protobuf.Field t) {
    List<Long> dims = new ArrayList<>();
    int type = 0;
    String name = null;
    for (Protobuf.Field f : Protobuf.fields(bytes, t.start(), t.end())) {
      switch (f.number()) {
        case TENSOR_DIMS -> Protobuf.int64s(bytes, f, dims);
        case TENSOR_TYPE -> type = (int) f.value();
        case TENSOR_NAME -> name = Protobuf.string(bytes, f);
        case TENSOR_LOCATION -> {
          if (f.value() != 0) {
            throw new IllegalArgumentException(source + ": initializer with external data is not supported");
          }
        }
        default -> { }
      }
    }
    if (name == null) {
      throw new IllegalArgumentException(source + ": initializer without a name at byte " + t.start());
    }
    return new Initializer(name, dims.stream().mapToLong(Long::longValue).toArray(), type);
  }

  private Node node(Protobuf.Field n) {
    List<String> in = new ArrayList<>();
    List<String> out = new ArrayList<>();
    String name = "";
    String op = "";
    for (Protobuf.Field f : Protobuf.fields(bytes, n.start(), n.end())) {
      switch (f.number()) {
        case NODE_INPUT -> in.add(Protobuf.string(bytes, f));
        case NODE_OUTPUT -> out.add(Protobuf.string(bytes, f));
        case NODE_NAME -> name = Protobuf.string(bytes, f);
        case NODE_OP -> op = Protobuf.string(bytes, f);
        default -> { }
      }
    }
    return new Node(name, op, List.copyOf(in), List.copyOf(out));
  }

  /** Initializers by name, in file order. */
  public Map<String, Initializer> initializers() {
    return java.util.Collections.unmodifiableMap(initializers);
  }

  /** Graph nodes in file order. */
  public List<Node> nodes() {
    return java.util.Collections.unmodifiableList(nodes);
  }

  /** The file bytes this model was read from (not a copy: do not modify). */
  public byte[] bytes() {
    return bytes;
  }

  /**
   * The values of FLOAT initializer {@code name}, row-major as stored.
   *
   * @throws IllegalArgumentException if there is no such initializer or it is not FLOAT
   */
  public float[] floats(String name) {
    Initializer init = initializers.get(name);
    if (init == null) {
      throw new IllegalArgumentException(source + ": no initializer '" + name + "'");
    }
    if (init.dataType() != FLOAT) {
      throw new IllegalArgumentException(source + ": initializer '" + name + "' has data type " + init.dataType() + ", not FLOAT");
    }
    int n = Math.toIntExact(init.size());
    float[] out = new float[n];
    for (Protobuf.Field f : Protobuf.fields(bytes, tensors.get(init.name()).start(), tensors.get(init.name()).end())) {
      if (f.number() == TENSOR_RAW) {
        if (f.end() - f.start() != 4L * n) {
          throw new IllegalArgumentException(source + ": initializer '" + name + "' holds " + (f.end() - f.start())
              + " bytes for " + n + " floats");
        }
        ByteBuffer.wrap(bytes, f.start(), f.end() - f.start()).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
        return out;
      }
      if (f.number() == TENSOR_FLOATS && f.wire() == Protobuf.LEN) {
        ByteBuffer.wrap(bytes, f.start(), f.end() - f.start()).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
        return out;
      }
    }
    throw new IllegalArgumentException(source + ": initializer '" + name + "' has no float data");
  }

  /**
   * This model with the values of some FLOAT initializers replaced (same shapes), every other byte
   * copied through: the same graph, inputs, outputs, opset and metadata.
   *
   * @param values initializer name to new values (row-major, the stored layout)
   * @throws IllegalArgumentException for an unknown name or a size mismatch
   */
  public byte[] withFloats(Map<String, float[]> values) {
    for (Map.Entry<String, float[]> e : values.entrySet()) {
      Initializer init = initializers.get(e.getKey());
      if (init == null || init.dataType() != FLOAT || init.size() != e.getValue().length) {
        throw new IllegalArgumentException(source + ": cannot replace initializer '" + e.getKey() + "' with "
            + e.getValue().length + " floats" + (init == null ? " (no such initializer)" : " (shape " + Arrays.toString(init.dims()) + ")"));
      }
    }
    ByteArrayOutputStream graphOut = new ByteArrayOutputStream(graph.end() - graph.start() + 1024);
    for (Protobuf.Field f : Protobuf.fields(bytes, graph.start(), graph.end())) {
      String replaced = null;
      if (f.number() == GRAPH_INITIALIZER && f.wire() == Protobuf.LEN) {
        String name = initializer(f).name();
        if (values.containsKey(name)) {
          replaced = name;
        }
      }
      if (replaced == null) {
        graphOut.write(bytes, f.tagStart(), f.end() - f.tagStart());
      } else {
        Protobuf.writeBytes(graphOut, GRAPH_INITIALIZER, tensor(initializers.get(replaced), values.get(replaced)));
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length + 1024);
    for (Protobuf.Field f : Protobuf.fields(bytes, 0, bytes.length)) {
      if (f.start() == graph.start() && f.number() == MODEL_GRAPH) {
        Protobuf.writeBytes(out, MODEL_GRAPH, graphOut.toByteArray());
      } else {
        out.write(bytes, f.tagStart(), f.end() - f.tagStart());
      }
    }
    return out.toByteArray();
  }

  /** A TensorProto: the original's fields except its data, which becomes raw little-endian floats. */
  private byte[] tensor(Initializer init, float[] values) {
    ByteArrayOutputStream t = new ByteArrayOutputStream(values.length * 4 + 256);
    for (Protobuf.Field f : Protobuf.fields(bytes, tensors.get(init.name()).start(), tensors.get(init.name()).end())) {
      if (f.number() != TENSOR_RAW && f.number() != TENSOR_FLOATS) {
        t.write(bytes, f.tagStart(), f.end() - f.tagStart());
      }
    }
    ByteBuffer raw = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    raw.asFloatBuffer().put(values);
    Protobuf.writeBytes(t, TENSOR_RAW, raw.array());
    return t.toByteArray();
  }
}
