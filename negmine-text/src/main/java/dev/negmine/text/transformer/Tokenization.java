package dev.negmine.text.transformer;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.negmine.train.engine.TorchRuntime;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * A Hugging Face tokenizer with the model's truncation: texts become word pieces with [CLS] and
 * [SEP], cut to {@code maxLength} tokens, and are padded per batch to the longest text, never to
 * the maximum (a batch of short queries stays short). Thread-safe (the native tokenizer is).
 */
public final class Tokenization implements AutoCloseable {
  private final HuggingFaceTokenizer tokenizer;
  private final int maxLength;

  /** @param tokenizerJson a Hugging Face {@code tokenizer.json} */
  public Tokenization(byte[] tokenizerJson, int maxLength) {
    TorchRuntime.configureDjl();
    Map<String, String> opts = new HashMap<>();
    opts.put("padding", "false");
    opts.put("truncation", "true");
    opts.put("maxLength", Integer.toString(maxLength));
    try {
      this.tokenizer = HuggingFaceTokenizer.newInstance(new ByteArrayInputStream(tokenizerJson), opts);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    this.maxLength = maxLength;
  }

  public int maxLength() {
    return maxLength;
  }

  /** Tokenises and pads {@code texts} into one batch, in order. */
  public TokenBatch batch(List<String> texts) {
    if (texts.isEmpty()) {
      throw new IllegalArgumentException("empty batch");
    }
    Encoding[] enc = tokenizer.batchEncode(texts.toArray(String[]::new));
    int rows = enc.length;
    int[] lengths = new int[rows];
    int t = 0;
    for (int i = 0; i < rows; i++) {
      lengths[i] = enc[i].getIds().length;
      t = Math.max(t, lengths[i]);
    }
    long[] ids = new long[rows * t];
    long[] mask = new long[rows * t];
    long[] types = new long[rows * t];
    for (int i = 0; i < rows; i++) {
      System.arraycopy(enc[i].getIds(), 0, ids, i * t, lengths[i]);
      System.arraycopy(enc[i].getAttentionMask(), 0, mask, i * t, lengths[i]);
      System.arraycopy(enc[i].getTypeIds(), 0, types, i * t, lengths[i]);
    }
    return new TokenBatch(rows, t, ids, mask, types, lengths);
  }

  /** Each text's token count after truncation (special tokens included). */
  public int[] lengths(List<String> texts) {
    if (texts.isEmpty()) {
      return new int[0];
    }
    Encoding[] enc = tokenizer.batchEncode(texts.toArray(String[]::new));
    return Arrays.stream(enc).mapToInt(e -> e.getIds().length).toArray();
  }

  /**
   * Length bucketing: the indices of {@code texts} grouped into batches of texts of similar length
   * (sorted by token count, longest first, ties in input order), each batch holding at most
   * {@code maxRows} texts and at most {@code tokenBudget} padded tokens (rows x longest). Padding
   * then costs little, which is most of the speed of embedding a corpus.
   */
  public int[][] buckets(List<String> texts, int maxRows, long tokenBudget) {
    int[] len = lengths(texts);
    Integer[] order = IntStream.range(0, len.length).boxed().toArray(Integer[]::new);
    Arrays.sort(order, Comparator.comparingInt((Integer i) -> -len[i]).thenComparingInt(i -> i));
    List<int[]> out = new java.util.ArrayList<>();
    int i = 0;
    while (i < order.length) {
      int longest = len[order[i]];
      int n = (int) Math.max(1, Math.min(maxRows, tokenBudget / Math.max(1, longest)));
      n = Math.min(n, order.length - i);
      int[] b = new int[n];
      for (int j = 0; j < n; j++) {
        b[j] = order[i + j];
      }
      out.add(b);
      i += n;
    }
    return out.toArray(int[][]::new);
  }

  @Override
  public void close() {
    tokenizer.close();
  }
}
