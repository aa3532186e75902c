package dev.negmine.text.transformer;

/** Which side of a retrieval pair a text is on; decides the prompt prepended to it. */
public enum Role {
  QUERY,
  DOCUMENT
}
