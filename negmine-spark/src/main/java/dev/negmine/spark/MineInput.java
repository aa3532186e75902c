package dev.negmine.spark;

import dev.negmine.core.linalg.FloatMatrix;
import java.nio.file.Path;
import java.util.List;

/**
 * Where a {@link SparkMineJob} reads its corpus. Each row has an id, a label and a vector: an
 * embedding, or (with a model) the features the model encodes. Row order defines ties and the order
 * of anchors in the pool, as the row order of {@code negmine mine}'s input does.
 */
public sealed interface MineInput {
  /** Short description for messages and provenance. */
  String describe();

  /**
   * A corpus held by the driver (small corpora, tests, benchmarks, IDX data loaded by the CLI); it is
   * cut into blocks and parallelised.
   *
   * @param ids one id per row, or null for row numbers
   */
  record InMemory(FloatMatrix vectors, long[] labels, long[] ids, String name) implements MineInput {
    public InMemory {
      if (vectors == null || labels == null || labels.length != vectors.rows()
          || (ids != null && ids.length != vectors.rows())) {
        throw new IllegalArgumentException("an in-memory corpus needs vectors and one label (and id) per row");
      }
    }

    @Override
    public String describe() {
      return name;
    }
  }

  /**
   * {@code .npy} shards read on the executors: shard i of {@code vectors} ((rows, d) float) goes with
   * shard i of {@code labels} (1-D integers) and of {@code ids} (empty list: row numbers). Rows are
   * numbered through the shards in list order. The paths must be readable from every executor.
   */
  record NpyFiles(List<Path> vectors, List<Path> labels, List<Path> ids) implements MineInput {
    public NpyFiles {
      vectors = List.copyOf(vectors);
      labels = List.copyOf(labels);
      ids = List.copyOf(ids);
      if (vectors.isEmpty() || labels.size() != vectors.size() || (!ids.isEmpty() && ids.size() != vectors.size())) {
        throw new IllegalArgumentException("need as many label (and id) shards as vector shards, got "
            + vectors.size() + " vector, " + labels.size() + " label and " + ids.size() + " id shards");
      }
    }

    @Override
    public String describe() {
      return vectors.size() == 1 ? vectors.get(0).toString() : vectors.size() + " .npy shards from " + vectors.get(0);
    }
  }

  /**
   * Parquet files (a file, a directory or a glob Spark understands). Rows are numbered by file path,
   * then row position in the file. {@code idColumn} may be null (row numbers); the vector column is
   * an array of float or double.
   */
  record Parquet(String path, String idColumn, String labelColumn, String vectorColumn) implements MineInput {
    public Parquet {
      if (path == null || labelColumn == null || vectorColumn == null) {
        throw new IllegalArgumentException("Parquet input needs a path, a label column and a vector column");
      }
    }

    @Override
    public String describe() {
      return path;
    }
  }
}
