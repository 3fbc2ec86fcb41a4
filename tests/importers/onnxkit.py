"""ONNX models built node by node with onnx.helper, as torchvision defines them (no downloads).

Weights are initializers that carry their shape only (the importer reads shapes, never values),
which keeps ResNet-50 small in memory; :func:`with_weight_data` fills them with zeros for a model
that is saved and read back as a real file. Every conv is followed by BatchNormalization and a
ReLU (ReLU6 = Clip in MobileNetV2), as in the real networks.
"""
from __future__ import annotations

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


class Net:
    """A graph under construction; methods append nodes and return their output tensor."""

    def __init__(self, name: str, shape: list, batch="N", elem=TensorProto.FLOAT):
        self.name = name
        self.elem = elem
        self.inputs = [helper.make_tensor_value_info("input", elem, [batch, *shape])]
        self.nodes: list = []
        self.inits: list = []
        self._n = 0

    def _tmp(self, hint: str) -> str:
        self._n += 1
        return f"{hint}_{self._n}"

    def weight(self, name: str, dims: list) -> str:
        self.inits.append(TensorProto(name=name, data_type=self.elem, dims=dims))
        return name

    def const(self, name: str, values, dtype=np.float32) -> str:
        self.inits.append(numpy_helper.from_array(np.asarray(values, dtype=dtype), name))
        return name

    def node(self, op: str, inputs: list, name: str, **attrs) -> str:
        out = self._tmp(name)
        self.nodes.append(helper.make_node(op, inputs, [out], name=name, **attrs))
        return out

    def conv(self, x, name, cin, cout, k, stride=1, pad=0, group=1):
        w = self.weight(f"{name}.weight", [cout, cin // group, k, k])
        return self.node("Conv", [x, w], name, kernel_shape=[k, k], strides=[stride, stride],
                         pads=[pad] * 4, group=group)

    def bn(self, x, name, c):
        ws = [self.weight(f"{name}.{p}", [c]) for p in ("weight", "bias", "mean", "var")]
        return self.node("BatchNormalization", [x, *ws], name)

    def relu(self, x, name):
        return self.node("Relu", [x], name)

    def relu6(self, x, name):
        lo = self.const(f"{name}.min", 0.0)
        hi = self.const(f"{name}.max", 6.0)
        return self.node("Clip", [x, lo, hi], name)

    def conv_bn(self, x, name, cin, cout, k, stride=1, pad=0, group=1, act="relu"):
        y = self.bn(self.conv(x, name, cin, cout, k, stride, pad, group), f"{name}.bn", cout)
        return {"relu": self.relu, "relu6": self.relu6, None: lambda t, _: t}[act](
            y, f"{name}.act")

    def add(self, a, b, name):
        return self.node("Add", [a, b], name)

    def maxpool(self, x, name, k, stride, pad):
        return self.node("MaxPool", [x], name, kernel_shape=[k, k], strides=[stride, stride],
                         pads=[pad] * 4)

    def classifier(self, x, name, cin, cout):
        """Global average pool, flatten and a fully connected layer (torchvision's head)."""
        x = self.node("GlobalAveragePool", [x], "avgpool")
        x = self.node("Flatten", [x], "flatten", axis=1)
        w = self.weight(f"{name}.weight", [cout, cin])
        b = self.weight(f"{name}.bias", [cout])
        return self.node("Gemm", [x, w, b], name, transB=1)

    def model(self, opset: int = 17) -> onnx.ModelProto:
        last = self.nodes[-1].output[0]
        out = helper.make_tensor_value_info(last, self.elem, None)
        graph = helper.make_graph(self.nodes, self.name, self.inputs, [out], self.inits)
        return helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])


def with_weight_data(model: onnx.ModelProto) -> onnx.ModelProto:
    """The model with every shape-only initializer filled with zeros (a savable file)."""
    for t in model.graph.initializer:
        if not t.raw_data and not t.float_data and t.dims:
            t.raw_data = np.zeros(list(t.dims), np.float32).tobytes()
    return model


def _stem(net: Net) -> str:
    x = net.conv_bn("input", "conv1", 3, 64, 7, stride=2, pad=3)
    return net.maxpool(x, "maxpool", 3, 2, 1)


def resnet(depth: int) -> onnx.ModelProto:
    """torchvision resnet18 (basic blocks) or resnet50 (v1.5 bottlenecks), 224×224."""
    blocks, bottleneck = {18: ([2, 2, 2, 2], False), 50: ([3, 4, 6, 3], True)}[depth]
    net = Net(f"resnet{depth}", [3, 224, 224])
    x, cin = _stem(net), 64
    expansion = 4 if bottleneck else 1
    for stage, (n, planes) in enumerate(zip(blocks, (64, 128, 256, 512)), start=1):
        for i in range(n):
            stride = 2 if stage > 1 and i == 0 else 1
            p = f"layer{stage}.{i}"
            if bottleneck:
                y = net.conv_bn(x, f"{p}.conv1", cin, planes, 1)
                y = net.conv_bn(y, f"{p}.conv2", planes, planes, 3, stride, 1)
                y = net.conv_bn(y, f"{p}.conv3", planes, planes * 4, 1, act=None)
            else:
                y = net.conv_bn(x, f"{p}.conv1", cin, planes, 3, stride, 1)
                y = net.conv_bn(y, f"{p}.conv2", planes, planes, 3, 1, 1, act=None)
            short = x
            if stride != 1 or cin != planes * expansion:
                short = net.conv_bn(x, f"{p}.downsample", cin, planes * expansion, 1, stride,
                                    act=None)
            x = net.relu(net.add(y, short, f"{p}.add"), f"{p}.relu")
            cin = planes * expansion
    net.classifier(x, "fc", cin, 1000)
    return net.model()


#: torchvision mobilenet_v2 inverted-residual settings: expansion t, channels c, repeats n, stride s
MOBILENET_V2 = [(1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2), (6, 96, 3, 1),
                (6, 160, 3, 2), (6, 320, 1, 1)]


def mobilenet_v2() -> onnx.ModelProto:
    """torchvision mobilenet_v2 (width 1.0), 224×224; the classifier's dropout is left out."""
    net = Net("mobilenetv2", [3, 224, 224])
    x = net.conv_bn("input", "features.0", 3, 32, 3, 2, 1, act="relu6")
    cin, index = 32, 1
    for t, c, n, s in MOBILENET_V2:
        for i in range(n):
            stride = s if i == 0 else 1
            p, hidden = f"features.{index}", cin * t
            y = x
            if t != 1:
                y = net.conv_bn(y, f"{p}.expand", cin, hidden, 1, act="relu6")
            y = net.conv_bn(y, f"{p}.depthwise", hidden, hidden, 3, stride, 1, group=hidden,
                            act="relu6")
            y = net.conv_bn(y, f"{p}.project", hidden, c, 1, act=None)
            x = net.add(y, x, f"{p}.add") if stride == 1 and cin == c else y
            cin, index = c, index + 1
    x = net.conv_bn(x, f"features.{index}", cin, 1280, 1, act="relu6")
    net.classifier(x, "classifier", 1280, 1000)
    return net.model()
