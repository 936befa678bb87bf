#!/usr/bin/python3
"""Exports a CNN written in the style of PyTorch's MNIST example to ONNX,
for descent's ONNX import test.

Run from the repository root with PyTorch installed
(apt-get install python3-torch; the TorchScript exporter of PyTorch 1.13
needs no onnx package and no network):

    /usr/bin/python3 bench/parity/gen_onnx_view.py

Unlike gen_onnx_cnn.py's nn.Sequential, the forward pass below is code:

    relu(max_pool2d(conv1(x), 2))     the activation after the pooling
    max_pool2d(leaky_relu(conv2(x)))
    max_pool2d(x, 1) then relu        an activation after two poolings
    x.view(x.size(0), -1)             a reshape the graph computes:
                                      Shape, Gather, Unsqueeze, Concat,
                                      Reshape (the batch is dynamic)
    relu(fc1(x)), fc2(x)

It writes, next to the other ONNX test files:

  onnx/testdata/torch_view.onnx   that network in evaluation mode, with
                                  torch.onnx.export's defaults (opset 13)
  onnx/testdata/torch_view.json   {"shape": [C, H, W], "inputs": rows of
                                  C*H*W float32 values, channel first,
                                  "outputs": torch's float32 outputs}

onnx/torch_cnn_test.go imports the file and compares descent's predictions
with torch's outputs (to 1e-5).
"""
import torch
from torch import nn
import torch.nn.functional as F

from gen_onnx_cnn import write_case

SHAPE = (1, 16, 16)


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 4, 3)
        self.conv2 = nn.Conv2d(4, 6, 3)
        self.conv3 = nn.Conv2d(6, 5, 1)
        self.fc1 = nn.Linear(5 * 2 * 2, 8)
        self.fc2 = nn.Linear(8, 3)

    def forward(self, x):
        x = F.relu(F.max_pool2d(self.conv1(x), 2))
        x = F.max_pool2d(F.leaky_relu(self.conv2(x), 0.1), 2)
        x = F.relu(F.max_pool2d(F.max_pool2d(self.conv3(x), 1), 1))
        x = x.view(x.size(0), -1)
        x = F.relu(self.fc1(x))
        return self.fc2(x)


def main():
    torch.manual_seed(14)
    write_case(Net().eval(), "torch_view", SHAPE)


if __name__ == "__main__":
    main()
