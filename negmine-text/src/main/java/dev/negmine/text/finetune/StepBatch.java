package dev.negmine.text.finetune;

import java.util.List;

/**
 * What one fine-tuning step trains on, assembled on the host before any forward pass: the
 * queries' texts, the documents' texts (column {@code i < B} is query {@code i}'s positive, the
 * rest are negatives; every column is a negative of every other query) and which (query, column)
 * pairs are left out of the softmax. Immutable by convention (the arrays are not copied).
 *
 * @param queryTexts {@code B} query texts, without prompts
 * @param docTexts {@code C >= B} document texts (title + " " + text), without prompts
 * @param docRows corpus row of each document column
 * @param masked row-major {@code [B, C]}: true where column {@code c} must not count for query {@code i}
 *     (a judged positive other than its own column, or a negative the guide model calls false); the diagonal is false
 * @param teacher row-major {@code [B, C]} guide-model cosines of (query, column), or null without a guide
 * @param guideMasked how many (query, column) pairs the guide masked beyond the judged positives, or null without a guide
 */
public record StepBatch(List<String> queryTexts, List<String> docTexts, int[] docRows, boolean[] masked, float[] teacher,
    FineTuneListener.MaskCounts guideMasked) {
  /** A batch without a guide model. */
  public StepBatch(List<String> queryTexts, List<String> docTexts, int[] docRows, boolean[] masked) {
    this(queryTexts, docTexts, docRows, masked, null, null);
  }

  public StepBatch {
    int b = queryTexts.size();
    int c = docTexts.size();
    if (c < b || docRows.length != c || masked.length != b * c || (teacher != null && teacher.length != b * c)) {
      throw new IllegalArgumentException("step batch: " + b + " queries, " + c + " documents, " + docRows.length
          + " rows, mask of " + masked.length);
    }
  }

  public int queries() {
    return queryTexts.size();
  }

  public int columns() {
    return docTexts.size();
  }
}
