package dev.negmine.text.mine;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import dev.negmine.core.io.AtomicFiles;
import dev.negmine.core.io.Json;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

/**
 * Writes mined rows as JSON Lines (one compact object per row, columns in sentence-transformers'
 * order, UTF-8; loads with {@code datasets.load_dataset("json", data_files=...)}) and the statistics
 * as {@code <name>.stats.json} beside it. Each file is written to a temporary name and made visible
 * by one atomic rename, so a reader never sees half a file. Stateless; thread-safe.
 */
public final class MinedRowsFile {
  private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().create();

  private MinedRowsFile() {}

  /** {@code out}'s statistics file: {@code x.jsonl -> x.stats.json}. */
  public static Path statsPath(Path out) {
    String name = out.getFileName().toString();
    String stem = name.endsWith(".jsonl") ? name.substring(0, name.length() - ".jsonl".length()) : name;
    return out.resolveSibling(stem + ".stats.json");
  }

  /** Writes the rows to {@code out} and {@code stats} to {@link #statsPath(Path)}. */
  public static void write(Path out, MinedRows rows, Map<String, Object> stats) throws IOException {
    AtomicFiles.writeStream(out, os -> {
      Writer w = new OutputStreamWriter(os, StandardCharsets.UTF_8);
      for (Map<String, Object> r : rows.rows()) {
        w.write(GSON.toJson(r));
        w.write('\n');
      }
      w.flush();
    });
    AtomicFiles.writeString(statsPath(out), Json.write(stats) + "\n");
  }
}
