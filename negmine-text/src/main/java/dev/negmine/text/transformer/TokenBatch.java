package dev.negmine.text.transformer;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * A padded batch of tokenised texts: row {@code i} holds text {@code i}'s word pieces (special
 * tokens included, truncated to the model's maximum length) followed by padding up to the longest
 * text of the batch. Arrays are row-major {@code [rows, length]}.
 *
 * @param rows texts in the batch
 * @param length padded sequence length (the longest text's token count)
 * @param ids token ids (0 = [PAD])
 * @param mask 1 for real tokens, 0 for padding
 * @param types token type ids (all 0 for single texts)
 * @param lengths each text's real token count
 */
public record TokenBatch(int rows, int length, long[] ids, long[] mask, long[] types, int[] lengths) {
  public TokenBatch {
    if (ids.length != (long) rows * length || mask.length != ids.length || types.length != ids.length || lengths.length != rows) {
      throw new IllegalArgumentException("token batch arrays do not match " + rows + " x " + length);
    }
  }

  /** Real (unpadded) tokens in the batch. */
  public long tokens() {
    long n = 0;
    for (int l : lengths) {
      n += l;
    }
    return n;
  }

  /** The three input arrays (ids, mask, types; int64) in {@code manager}, as {@link BertBlock} takes them. */
  public NDList toNDList(NDManager manager) {
    Shape s = new Shape(rows, length);
    return new NDList(manager.create(ids, s), manager.create(mask, s), manager.create(types, s));
  }
}
