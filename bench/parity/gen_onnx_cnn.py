#!/usr/bin/python3
"""Exports a small CNN from PyTorch to ONNX, for descent's ONNX import test.

Run from the repository root with PyTorch installed
(apt-get install python3-torch; the TorchScript exporter of PyTorch 1.13
needs no onnx package and no network):

    /usr/bin/python3 bench/parity/gen_onnx_cnn.py

It writes, next to the other ONNX test files:

  onnx/testdata/torch_cnn.onnx   the network below in evaluation mode, with
                                 torch.onnx.export's defaults (opset 13,
                                 constant folding, so the BatchNorm2d after
                                 the first convolution is folded into it, as
                                 users' files have it) and a dynamic batch
  onnx/testdata/torch_cnn.json   {"shape": [C, H, W], "inputs": rows of
                                 C*H*W float32 values, channel first,
                                 "outputs": torch's float32 outputs}

    BatchNorm2d(2)                      on the image: stays a node
    Conv2d(2, 4, 3, padding=1) BatchNorm2d(4) ReLU
    MaxPool2d(2)
    Conv2d(4, 5, 3, stride=2, padding=1) Tanh
    AvgPool2d(2, stride=1, padding=1)   count_include_pad, PyTorch's default
    Dropout(0.3)                        dropped at inference
    Flatten() Linear(*, 6) ReLU Dropout(0.2) Linear(6, 3)

onnx/torch_cnn_test.go imports the file and compares descent's predictions
with torch's outputs (to 1e-5), and runs it in ONNX Runtime.
"""
import json
import os

import torch
from torch import nn

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "..", "onnx", "testdata")
SHAPE = (2, 9, 8)  # odd height, so pooling and stride meet a remainder


def network():
    torch.manual_seed(14)
    net = nn.Sequential(
        nn.BatchNorm2d(2),
        nn.Conv2d(2, 4, 3, padding=1),
        nn.BatchNorm2d(4),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Conv2d(4, 5, 3, stride=2, padding=1),
        nn.Tanh(),
        nn.AvgPool2d(2, stride=1, padding=1),
        nn.Dropout(0.3),
        nn.Flatten(),
        nn.LazyLinear(6),
        nn.ReLU(),
        nn.Dropout(0.2),
        nn.Linear(6, 3),
    )
    net(torch.zeros(1, *SHAPE))  # sizes the lazy layer
    # Running statistics and affine parameters away from their start, so
    # that every one of them matters.
    with torch.no_grad():
        for m in net.modules():
            if isinstance(m, nn.BatchNorm2d):
                c = m.num_features
                m.running_mean.copy_(torch.rand(c) * 2 - 1)
                m.running_var.copy_(torch.rand(c) + 0.5)
                m.weight.copy_(torch.rand(c) + 0.5)
                m.bias.copy_(torch.rand(c) - 0.5)
    return net.eval()


def write_case(net, name, shape):
    """Feeds net 7 random samples of shape, exports it as NAME.onnx (dynamic
    batch, opset 13) and writes the samples and torch's outputs to
    NAME.json in onnx/testdata."""
    x = torch.randn(7, *shape) * 2 + 0.5
    with torch.no_grad():
        y = net(x)
    os.makedirs(OUT, exist_ok=True)
    torch.onnx.export(
        net, (x[:1],), os.path.join(OUT, name + ".onnx"),
        input_names=["input"], output_names=["output"],
        dynamic_axes={"input": {0: "batch"}, "output": {0: "batch"}},
        opset_version=13,
    )
    with open(os.path.join(OUT, name + ".json"), "w") as f:
        json.dump({
            "torch": torch.__version__,
            "shape": list(shape),
            "inputs": x.reshape(x.shape[0], -1).tolist(),
            "outputs": y.tolist(),
        }, f)
        f.write("\n")


def main():
    write_case(network(), "torch_cnn", SHAPE)


if __name__ == "__main__":
    main()
