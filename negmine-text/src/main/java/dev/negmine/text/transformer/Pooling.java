package dev.negmine.text.transformer;

/** How a transformer's token vectors become one text vector. */
public enum Pooling {
  /** Mean of the unmasked token vectors (sentence-transformers' default; all-MiniLM-L6-v2). */
  MEAN,
  /** The first ([CLS]) token's vector (bge). */
  CLS
}
