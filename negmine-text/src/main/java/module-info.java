/**
 * negmine text: tokenizers, frozen (ONNX Runtime) and trainable (DJL) transformer text encoders, retrieval data, IR
 * metrics, tasks and export. The pretrained weights are read as class-path resources of the langchain4j model jars.
 */
module dev.negmine.text {
  requires transitive dev.negmine.core;
  requires dev.negmine.train;
  requires dev.negmine.index;
  requires com.microsoft.onnxruntime;
  requires ai.djl.tokenizers;
  requires java.logging;
  requires java.management;
  requires com.google.gson;

  exports dev.negmine.text;
  exports dev.negmine.text.data;
  exports dev.negmine.text.wordnet;
  exports dev.negmine.text.dict;
  exports dev.negmine.text.export;
  exports dev.negmine.text.finetune;
  opens dev.negmine.text.finetune to com.google.gson;
  exports dev.negmine.text.retrieval;
  exports dev.negmine.text.transformer;
  exports dev.negmine.text.weights;
}
