package dev.negmine.text.finetune;

import dev.negmine.core.linalg.FloatMatrix;
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
 * @param constants {@code K x d} embeddings of constant negative columns after the {@code C} live
 *     ones (the queue's documents: no gradient flows into them); 0 rows when none
 * @param masked row-major {@code [B, C + K]}: true where column {@code c} must not count for query
 *     {@code i} (a judged positive other than its own column, or a negative the guide model calls
 *     false); the diagonal is false
 * @param teacher row-major {@code [B, C + K]} guide-model cosines of (query, column), or null without a guide
 * @param guideMasked how many (query, column) pairs the guide masked beyond the judged positives, or null without a guide
 */
public record StepBatch(List<String> queryTexts, List<String> docTexts, int[] docRows, FloatMatrix constants, boolean[] masked,
    float[] teacher, FineTuneListener.MaskCounts guideMasked) {
  /** A batch without constant columns or a guide model. */
  public StepBatch(List<String> queryTexts, List<String> docTexts, int[] docRows, boolean[] masked) {
    this(queryTexts, docTexts, docRows, FloatMatrix.zeros(0, 1), masked, null, null);
  }

  public StepBatch {
    int b = queryTexts.size();
    int c = docTexts.size();
    long width = c + constants.rows();
    if (c < b || docRows.length != c || masked.length != b * width || (teacher != null && teacher.length != b * width)) {
      throw new IllegalArgumentException("step batch: " + b + " queries, " + c + " documents, " + constants.rows()
          + " constant columns, " + docRows.length + " rows, mask of " + masked.length);
    }
  }

  public int queries() {
    return queryTexts.size();
  }

  /** Live document columns {@code C} (embedded with gradient this step). */
  public int columns() {
    return docTexts.size();
  }

  /** All columns of the loss: live then constant. */
  public int allColumns() {
    return docTexts.size() + constants.rows();
  }
}
