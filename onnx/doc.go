// Package onnx converts descent models to and from ONNX, the Open Neural
// Network Exchange format, so that a model trained with descent runs in
// any ONNX runtime and a feed-forward network trained elsewhere (PyTorch,
// say) can be used with descent.
//
// Marshal (and Encode, Save) writes a model as one ONNX graph in float32:
// the saved feature scaler as Sub and Div, a Gemm per dense layer, each
// layer's activation, a BatchNormalization per batchnorm layer (in
// evaluation mode, from the saved running statistics), and for a loss on logits the loss's link (Softmax
// or Sigmoid), so that the ONNX model takes raw features and returns what
// model.Predict returns. The batch dimension is dynamic. Everything the
// graph cannot hold (the loss, task, class and feature names, the exact
// float64 scaler, the CSV schema, the training configuration) travels in
// the model's metadata_props under the key MetadataKey, where Unmarshal
// finds it again, so descent → ONNX → descent gives back the same model,
// its float32 weights bit for bit.
//
// Unmarshal (and Decode, Load) reads an ONNX file whose graph is a chain
// from one input to one output of the operators descent knows: optional
// Sub/Div preprocessing, Gemm or MatMul(+Add) layers, Conv (group 1,
// dilation 1, square kernels, even padding), MaxPool and AveragePool
// (padding counted as zeros, or a zero Pad just before, as PyTorch
// writes it), BatchNormalization in inference mode (epsilon 1e-5), and
// the activations Sigmoid, Tanh, Relu, LeakyRelu, Softmax, Softplus,
// Gelu (or its exact expansion x·0.5·(1+Erf(x/√2))) after a Gemm, MatMul
// or Conv; a Relu or LeakyRelu (slope ≥ 0) after max pooling, as in
// relu(max_pool2d(conv(x))), gives the same values before it and is read
// as the convolution's activation. The input is a batch of rows, or of
// images N×C×H×W (which sets the model's input shape); Reshape to
// N×C×H×W at the start and Flatten (or Reshape to rows) before a dense
// layer move between the two, the reshape's shape constant or computed
// from the batch size as PyTorch writes x.view(x.size(0), -1) (Shape,
// Gather, Unsqueeze, Concat); Identity and Dropout are skipped. Anything else is refused with
// an error naming the operator and its node.
// Reading is bounded: Load reads only regular files of at most
// ImportOptions.MaxFileSize bytes, and Unmarshal walks the wire format
// before decoding so that a file of many tiny messages is refused instead
// of decoding into many times its size.
//
// The protobuf messages are the ONNX definitions in internal/onnxpb,
// generated from a subset of onnx.proto3 and encoded by
// google.golang.org/protobuf.
package onnx
