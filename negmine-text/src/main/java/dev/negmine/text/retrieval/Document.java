package dev.negmine.text.retrieval;

/**
 * One corpus document.
 *
 * @param id the document's id ({@code _id} in BEIR)
 * @param title title, "" if none
 * @param text body text
 */
public record Document(String id, String title, String text) {
  public Document {
    title = title == null ? "" : title;
    text = text == null ? "" : text;
  }

  /** What is embedded: title + " " + text, as BEIR's evaluators do (trimmed; no space without a title). */
  public String embeddingText() {
    return (title + " " + text).strip();
  }
}
