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
 *     {@code i} (a judged positive other than its own column); the diagonal is false
 */
public record StepBatch(List<String> queryTexts, List<String> docTexts, int[] docRows, FloatMatrix constants, boolean[] masked) {
  public StepBatch {
    int b = queryTexts.size();
    int c = docTexts.size();
    if (c < b || docRows.length != c || masked.length != (long) b * (c + constants.rows())) {
      throw new IllegalArgumentException("step batch: " + b + " queries, " + c + " documents, " + constants.rows()
          + " constant columns, " + docRows.length + " rows, mask of " + masked.length);
    }
  }

  /** A batch without constant columns. */
  public StepBatch(List<String> queryTexts, List<String> docTexts, int[] docRows, boolean[] masked) {
    this(queryTexts, docTexts, docRows, FloatMatrix.zeros(0, 1), masked);
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
