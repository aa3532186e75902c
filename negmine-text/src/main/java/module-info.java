/**
 * negmine text: tokenizers, transformer text encoders (ONNX Runtime), text retrieval data and
 * tasks. The pretrained weights are read as class-path resources of the langchain4j model jars.
 */
module dev.negmine.text {
  requires transitive dev.negmine.core;
  requires dev.negmine.train;
  requires com.microsoft.onnxruntime;
  requires ai.djl.tokenizers;
  requires java.logging;

  exports dev.negmine.text;
  exports dev.negmine.text.data;
  exports dev.negmine.text.wordnet;
}
