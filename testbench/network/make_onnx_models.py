#!/usr/bin/env python3
"""Small ONNX models for test_onnx_import.cpp, with their expected outputs.

usage: make_onnx_models.py OUTDIR [NAME...]

For each model NAME it writes OUTDIR/NAME.onnx, the inputs NAME.in<k>.npy (NCHW, float32) and
the outputs NAME.out<k>.npy (ONNX layout, float32, one per graph output, in order) computed here
with numpy in float64 straight from the NCHW definitions (Debian's onnx 1.12 has no
onnx.reference). Some models also write NAME.<what>.npy with values the importer must produce
(folded weights in the IR's layouts). Needs Debian's python3-onnx and python3-numpy.
"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

RNG = np.random.default_rng(20240611)


def rand(*shape, scale=1.0):
    return (RNG.standard_normal(shape) * scale).astype(np.float32)


# --- numpy references (NCHW, float64) ---------------------------------------------------------


def conv2d(x, w, b=None, strides=(1, 1), pads=(0, 0, 0, 0), dil=(1, 1), group=1):
    """pads = (top, left, bottom, right) as ONNX writes them."""
    x = x.astype(np.float64)
    w = w.astype(np.float64)
    n, c, h, wd = x.shape
    m, cg, kh, kw = w.shape
    t, l, bt, r = pads
    xp = np.zeros((n, c, h + t + bt, wd + l + r))
    xp[:, :, t:t + h, l:l + wd] = x
    oh = (h + t + bt - ((kh - 1) * dil[0] + 1)) // strides[0] + 1
    ow = (wd + l + r - ((kw - 1) * dil[1] + 1)) // strides[1] + 1
    out = np.zeros((n, m, oh, ow))
    mg = m // group
    for f in range(m):
        g = f // mg
        for i in range(oh):
            for j in range(ow):
                patch = xp[0, g * cg:(g + 1) * cg,
                           i * strides[0]:i * strides[0] + (kh - 1) * dil[0] + 1:dil[0],
                           j * strides[1]:j * strides[1] + (kw - 1) * dil[1] + 1:dil[1]]
                out[0, f, i, j] = np.sum(patch * w[f])
    if b is not None:
        out += b.astype(np.float64).reshape(1, -1, 1, 1)
    return out


def pool2d(x, k, s, pads, out_hw, mode):
    """Max or average (padding excluded) pooling with explicit pads and output size."""
    n, c, h, w = x.shape
    t, l = pads[0], pads[1]
    out = np.zeros((n, c, out_hw[0], out_hw[1]))
    for i in range(out_hw[0]):
        for j in range(out_hw[1]):
            h0, w0 = i * s[0] - t, j * s[1] - l
            hs, he = max(h0, 0), min(h0 + k[0], h)
            ws, we = max(w0, 0), min(w0 + k[1], w)
            win = x[:, :, hs:he, ws:we].astype(np.float64)
            out[:, :, i, j] = win.max(axis=(2, 3)) if mode == "max" else win.mean(axis=(2, 3))
    return out


def softmax(x, axis=-1):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def init(name, arr):
    return numpy_helper.from_array(np.asarray(arr), name)


def model(nodes, inputs, outputs, inits, opset=13, name="g"):
    graph = helper.make_graph(
        nodes, name,
        [helper.make_tensor_value_info(n, TensorProto.FLOAT, s) for n, s in inputs],
        [helper.make_tensor_value_info(n, TensorProto.FLOAT, s) for n, s in outputs],
        initializer=[init(k, v) for k, v in inits.items()])
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)],
                          producer_name="apack-vp tests")
    m.ir_version = 7
    return m


# --- models -----------------------------------------------------------------------------------


def m_cnn():
    """conv -> bn -> relu -> maxpool -> flatten -> gemm -> softmax."""
    x = rand(1, 3, 8, 8)
    w, b = rand(4, 3, 3, 3, scale=0.5), rand(4, scale=0.1)
    scale, bias = rand(4) * 0.5 + 1.0, rand(4, scale=0.2)
    mean, var = rand(4, scale=0.3), (np.abs(rand(4)) + 0.5).astype(np.float32)
    eps = 1e-3
    fw, fb = rand(5, 64, scale=0.2), rand(5, scale=0.1)
    nodes = [
        helper.make_node("Conv", ["x", "w", "b"], ["c1"], name="conv1", pads=[1, 1, 1, 1],
                         kernel_shape=[3, 3]),
        helper.make_node("BatchNormalization", ["c1", "bn_s", "bn_b", "bn_m", "bn_v"], ["bn1"],
                         name="bn1", epsilon=eps),
        helper.make_node("Relu", ["bn1"], ["r1"], name="relu1"),
        helper.make_node("MaxPool", ["r1"], ["p1"], name="pool1", kernel_shape=[2, 2],
                         strides=[2, 2]),
        helper.make_node("Flatten", ["p1"], ["f1"], name="flatten1", axis=1),
        helper.make_node("Gemm", ["f1", "fw", "fb"], ["g1"], name="fc1", transB=1),
        helper.make_node("Softmax", ["g1"], ["prob"], name="softmax1", axis=-1),
    ]
    inits = dict(w=w, b=b, bn_s=scale, bn_b=bias, bn_m=mean, bn_v=var, fw=fw, fb=fb)
    m = model(nodes, [("x", [1, 3, 8, 8])], [("prob", [1, 5])], inits)
    # reference
    c = conv2d(x, w, b, pads=(1, 1, 1, 1))
    s = scale.astype(np.float64) / np.sqrt(var.astype(np.float64) + eps)
    bn = (c - mean.reshape(1, -1, 1, 1)) * s.reshape(1, -1, 1, 1) + bias.reshape(1, -1, 1, 1)
    r = np.maximum(bn, 0)
    p = pool2d(r, (2, 2), (2, 2), (0, 0), (4, 4), "max")
    g = p.reshape(1, -1) @ fw.astype(np.float64).T + fb
    extra = {
        # folded conv in OHWI, fc weights in the NHWC flatten order
        "conv_w": (w.astype(np.float64) * s.reshape(-1, 1, 1, 1)).transpose(0, 2, 3, 1),
        "conv_b": (b - mean) * s + bias,
        "fc_w": fw.reshape(5, 4, 4, 4).transpose(0, 2, 3, 1).reshape(5, 64),
    }
    return m, [x], [softmax(g)], extra


def m_depthwise():
    """depthwise conv (group = C, multiplier 2), strides 2, asymmetric pads, Clip(0, 6)."""
    x = rand(1, 4, 9, 9, scale=3.0)
    w, b = rand(8, 1, 3, 3), rand(8, scale=0.5)
    nodes = [
        helper.make_node("Conv", ["x", "w", "b"], ["dw"], name="dw", group=4, strides=[2, 2],
                         pads=[1, 0, 1, 1]),
        helper.make_node("Clip", ["dw", "lo", "hi"], ["y"], name="clip"),
    ]
    m = model(nodes, [("x", [1, 4, 9, 9])], [("y", [1, 8, 5, 4])],
              dict(w=w, b=b, lo=np.array(0, np.float32), hi=np.array(6, np.float32)))
    y = np.clip(conv2d(x, w, b, strides=(2, 2), pads=(1, 0, 1, 1), group=4), 0, 6)
    return m, [x], [y], {"w_ohwi": w.transpose(0, 2, 3, 1)}


def m_residual():
    """conv -> relu -> conv -> add(x) -> relu, with an Identity on the skip path."""
    x = rand(1, 4, 6, 6)
    w1, b1 = rand(4, 4, 3, 3, scale=0.3), rand(4, scale=0.1)
    w2, b2 = rand(4, 4, 3, 3, scale=0.3), rand(4, scale=0.1)
    nodes = [
        helper.make_node("Conv", ["x", "w1", "b1"], ["c1"], name="conv1", pads=[1, 1, 1, 1]),
        helper.make_node("Relu", ["c1"], ["r1"], name="relu1"),
        helper.make_node("Conv", ["r1", "w2", "b2"], ["c2"], name="conv2", pads=[1, 1, 1, 1]),
        helper.make_node("Identity", ["x"], ["skip"], name="skip"),
        helper.make_node("Add", ["skip", "c2"], ["sum"], name="add"),
        helper.make_node("Relu", ["sum"], ["y"], name="relu2"),
    ]
    m = model(nodes, [("x", [1, 4, 6, 6])], [("y", [1, 4, 6, 6])],
              dict(w1=w1, b1=b1, w2=w2, b2=b2))
    r1 = np.maximum(conv2d(x, w1, b1, pads=(1, 1, 1, 1)), 0)
    y = np.maximum(x + conv2d(r1, w2, b2, pads=(1, 1, 1, 1)), 0)
    return m, [x], [y], {}


def m_concat():
    """two convs concatenated on channels; the concat is an output as well as feeding GAP+FC."""
    x = rand(1, 3, 5, 5)
    wa, wb = rand(2, 3, 1, 1), rand(3, 3, 3, 3, scale=0.3)
    fw = rand(5, 4, scale=0.5)
    nodes = [
        helper.make_node("Conv", ["x", "wa"], ["a"], name="conv_a"),
        helper.make_node("Conv", ["x", "wb"], ["b"], name="conv_b", pads=[1, 1, 1, 1]),
        helper.make_node("Concat", ["a", "b"], ["cat"], name="cat", axis=1),
        helper.make_node("GlobalAveragePool", ["cat"], ["gap"], name="gap"),
        helper.make_node("Flatten", ["gap"], ["flat"], name="flat"),
        helper.make_node("MatMul", ["flat", "fw"], ["mm"], name="fc"),
    ]
    m = model(nodes, [("x", [1, 3, 5, 5])], [("cat", [1, 5, 5, 5]), ("mm", [1, 4])],
              dict(wa=wa, wb=wb, fw=fw))
    cat = np.concatenate([conv2d(x, wa), conv2d(x, wb, pads=(1, 1, 1, 1))], axis=1)
    mm = cat.mean(axis=(2, 3)) @ fw.astype(np.float64)
    return m, [x], [cat, mm], {}


def m_same():
    """auto_pad SAME_UPPER and SAME_LOWER (odd total padding), and a SAME_UPPER max pool."""
    x = rand(1, 2, 8, 8)
    w = rand(3, 2, 3, 3, scale=0.5)
    nodes = [
        helper.make_node("Conv", ["x", "w"], ["up"], name="conv_up", auto_pad="SAME_UPPER",
                         strides=[2, 2]),
        helper.make_node("Conv", ["x", "w"], ["low"], name="conv_low", auto_pad="SAME_LOWER",
                         strides=[2, 2]),
        helper.make_node("MaxPool", ["x"], ["mp"], name="pool", auto_pad="SAME_UPPER",
                         kernel_shape=[2, 2], strides=[3, 3]),
    ]
    m = model(nodes, [("x", [1, 2, 8, 8])],
              [("up", [1, 3, 4, 4]), ("low", [1, 3, 4, 4]), ("mp", [1, 2, 3, 3])], dict(w=w))
    # total padding (4-1)*2+3-8 = 1: UPPER puts it at the end, LOWER at the start.
    up = conv2d(x, w, strides=(2, 2), pads=(0, 0, 1, 1))
    low = conv2d(x, w, strides=(2, 2), pads=(1, 1, 0, 0))
    # pool: out 3, total (3-1)*3+2-8 = 0
    mp = pool2d(x, (2, 2), (3, 3), (0, 0), (3, 3), "max")
    return m, [x], [up, low, mp], {}


def m_opset6():
    """opset 6: Clip with min/max attributes (Relu6, lower bound only), LeakyRelu."""
    x = rand(1, 2, 5, 5, scale=4.0)
    w1, w2 = rand(3, 2, 1, 1), rand(3, 2, 1, 1)
    nodes = [
        helper.make_node("Conv", ["x", "w1"], ["c1"], name="conv1"),
        helper.make_node("Clip", ["c1"], ["y1"], name="clip6", min=0.0, max=6.0),
        helper.make_node("Conv", ["x", "w2"], ["c2"], name="conv2"),
        helper.make_node("LeakyRelu", ["c2"], ["y2"], name="leaky", alpha=0.2),
        helper.make_node("Clip", ["x"], ["y3"], name="clip_lo", min=-1.0),
    ]
    m = model(nodes, [("x", [1, 2, 5, 5])],
              [("y1", [1, 3, 5, 5]), ("y2", [1, 3, 5, 5]), ("y3", [1, 2, 5, 5])],
              dict(w1=w1, w2=w2), opset=6)
    c2 = conv2d(x, w2)
    return m, [x], [np.clip(conv2d(x, w1), 0, 6), np.where(c2 >= 0, c2, 0.2 * c2),
                    np.maximum(x, -1.0)], {}


def m_gemm():
    """Gemm with alpha, beta, transB = 0; MatMul + Add bias; Sigmoid; Sub from a constant."""
    x = rand(1, 10)
    b, c = rand(10, 6), rand(1, 6)
    w2, b2 = rand(6, 3), rand(3)
    k = rand(3)
    nodes = [
        helper.make_node("Gemm", ["x", "b", "c"], ["g"], name="gemm", alpha=0.5, beta=2.0),
        helper.make_node("MatMul", ["g", "w2"], ["mm"], name="mm"),
        helper.make_node("Add", ["mm", "b2"], ["fc2"], name="bias2"),
        helper.make_node("Sigmoid", ["fc2"], ["s"], name="sig"),
        helper.make_node("Sub", ["k", "s"], ["y"], name="sub"),
    ]
    m = model(nodes, [("x", [1, 10])], [("y", [1, 3])], dict(b=b, c=c, w2=w2, b2=b2, k=k))
    g = 0.5 * (x.astype(np.float64) @ b) + 2.0 * c
    y = k - sigmoid(g @ w2 + b2)
    return m, [x], [y], {}


def m_consts():
    """input normalisation with [C,1,1] constants, BN without a conv, scalar Mul, PRelu."""
    x = rand(1, 3, 4, 4, scale=2.0)
    mean = np.array([0.5, -0.2, 0.1], np.float32).reshape(3, 1, 1)
    std = np.array([2.0, 0.5, 1.5], np.float32).reshape(3, 1, 1)
    s, bb = rand(3) + 1.0, rand(3)
    mu, var = rand(3), np.abs(rand(3)) + 0.2
    slope = np.array([0.1, 0.2, 0.3], np.float32).reshape(3, 1, 1)
    nodes = [
        helper.make_node("Sub", ["x", "mean"], ["xm"], name="sub_mean"),
        helper.make_node("Div", ["xm", "std"], ["xs"], name="div_std"),
        helper.make_node("BatchNormalization", ["xs", "s", "bb", "mu", "var"], ["bn"], name="bn"),
        helper.make_node("Mul", ["bn", "two"], ["m2"], name="times2"),
        helper.make_node("PRelu", ["m2", "slope"], ["y"], name="prelu"),
    ]
    m = model(nodes, [("x", [1, 3, 4, 4])], [("y", [1, 3, 4, 4])],
              dict(mean=mean, std=std, s=s, bb=bb, mu=mu, var=var,
                   two=np.array(2.0, np.float32), slope=slope))
    xs = (x - mean.astype(np.float64)) / std
    bn = (xs - mu.reshape(1, 3, 1, 1)) / np.sqrt(var.reshape(1, 3, 1, 1) + 1e-5) * \
        s.reshape(1, 3, 1, 1) + bb.reshape(1, 3, 1, 1)
    m2 = bn * 2
    y = np.where(m2 >= 0, m2, m2 * slope)
    return m, [x], [y], {}


def m_torch_flatten():
    """PyTorch's x.view(x.size(0), -1): Shape -> Gather -> Unsqueeze -> Concat -> Reshape."""
    x = rand(1, 2, 3, 3)
    w, fw, fb = rand(4, 2, 1, 1), rand(3, 36, scale=0.3), rand(3)
    nodes = [
        helper.make_node("Conv", ["x", "w"], ["c"], name="conv"),
        helper.make_node("Relu", ["c"], ["r"], name="relu"),
        helper.make_node("Shape", ["r"], ["shp"], name="shape"),
        helper.make_node("Gather", ["shp", "zero"], ["n"], name="gather", axis=0),
        helper.make_node("Unsqueeze", ["n", "axes0"], ["n1"], name="unsq"),
        helper.make_node("Concat", ["n1", "minus1"], ["newshape"], name="cat_shape", axis=0),
        helper.make_node("Reshape", ["r", "newshape"], ["flat"], name="view"),
        helper.make_node("Dropout", ["flat"], ["drop"], name="dropout"),
        helper.make_node("Gemm", ["drop", "fw", "fb"], ["y"], name="fc", transB=1),
    ]
    m = model(nodes, [("x", [1, 2, 3, 3])], [("y", [1, 3])],
              dict(w=w, fw=fw, fb=fb, zero=np.array(0, np.int64),
                   axes0=np.array([0], np.int64), minus1=np.array([-1], np.int64)))
    r = np.maximum(conv2d(x, w), 0)
    return m, [x], [r.reshape(1, -1) @ fw.astype(np.float64).T + fb], {}


def m_se():
    """squeeze-excitation, average pool (pads excluded), ReduceMean over H, W."""
    x = rand(1, 4, 5, 5)
    w1, b1, w2, b2 = rand(2, 4, 1, 1), rand(2), rand(4, 2, 1, 1), rand(4)
    nodes = [
        helper.make_node("GlobalAveragePool", ["x"], ["gap"], name="gap"),
        helper.make_node("Conv", ["gap", "w1", "b1"], ["s1"], name="se_reduce"),
        helper.make_node("Relu", ["s1"], ["s1r"], name="se_relu"),
        helper.make_node("Conv", ["s1r", "w2", "b2"], ["s2"], name="se_expand"),
        helper.make_node("Sigmoid", ["s2"], ["gate"], name="se_gate"),
        helper.make_node("Mul", ["x", "gate"], ["xg"], name="se_mul"),
        helper.make_node("AveragePool", ["xg"], ["ap"], name="avgpool", kernel_shape=[3, 3],
                         strides=[2, 2], pads=[1, 1, 1, 1], count_include_pad=0),
        helper.make_node("ReduceMean", ["ap"], ["y"], name="mean", axes=[2, 3], keepdims=0),
    ]
    m = model(nodes, [("x", [1, 4, 5, 5])], [("y", [1, 4])], dict(w1=w1, b1=b1, w2=w2, b2=b2))
    gap = x.astype(np.float64).mean(axis=(2, 3), keepdims=True)
    gate = sigmoid(conv2d(np.maximum(conv2d(gap, w1, b1), 0), w2, b2))
    ap = pool2d(x * gate, (3, 3), (2, 2), (1, 1), (3, 3), "avg")
    return m, [x], [ap.mean(axis=(2, 3))], {}


def m_pad_pool():
    """a zero Pad folded into the next Conv; a MaxPool with ceil_mode; Max/Min of two tensors."""
    x = rand(1, 2, 7, 7)
    w = rand(3, 2, 3, 3, scale=0.4)
    nodes = [
        helper.make_node("Pad", ["x", "pads"], ["xp"], name="pad"),
        helper.make_node("Conv", ["xp", "w"], ["c"], name="conv"),
        helper.make_node("MaxPool", ["x"], ["mp"], name="pool_ceil", kernel_shape=[2, 2],
                         strides=[2, 2], ceil_mode=1),
        helper.make_node("Max", ["mp", "mp2"], ["mx"], name="max"),
        helper.make_node("AveragePool", ["x"], ["mp2"], name="avg", kernel_shape=[2, 2],
                         strides=[2, 2], ceil_mode=1),
    ]
    # nodes must be topologically sorted: move "max" to the end
    nodes = nodes[:3] + nodes[4:] + nodes[3:4]
    pads = np.array([0, 0, 1, 2, 0, 0, 2, 1], np.int64)
    m = model(nodes, [("x", [1, 2, 7, 7])], [("c", [1, 3, 8, 8]), ("mx", [1, 2, 4, 4])],
              dict(w=w, pads=pads))
    c = conv2d(x, w, pads=(1, 2, 2, 1))
    mp = pool2d(x, (2, 2), (2, 2), (0, 0), (4, 4), "max")
    ap = pool2d(x, (2, 2), (2, 2), (0, 0), (4, 4), "avg")
    return m, [x], [c, np.maximum(mp, ap)], {}


def m_symbolic():
    """symbolic batch, height and width: needs input shapes; Softmax over the channel axis."""
    x = rand(1, 3, 6, 6)
    w = rand(4, 3, 3, 3, scale=0.4)
    nodes = [
        helper.make_node("Conv", ["x", "w"], ["c"], name="conv", pads=[1, 1, 1, 1]),
        helper.make_node("Softmax", ["c"], ["y"], name="softmax", axis=1),
    ]
    m = model(nodes, [("x", ["N", 3, "H", "W"])], [("y", ["N", 4, "H", "W"])], dict(w=w))
    return m, [x], [softmax(conv2d(x, w, pads=(1, 1, 1, 1)), axis=1)], {}


def m_cnn_external():
    """the cnn model with its initializers in an external data file."""
    return m_cnn()


# --- models that must be refused --------------------------------------------------------------


def m_unsupported():
    nodes = [
        helper.make_node("Transpose", ["x"], ["t1"], name="tr1", perm=[0, 2, 3, 1]),
        helper.make_node("MyOp", ["t1"], ["t2"], name="custom1", domain="com.example"),
        helper.make_node("Transpose", ["t2"], ["y"], name="tr2", perm=[0, 3, 1, 2]),
    ]
    graph = helper.make_graph(
        nodes, "g", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 2, 3, 3])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 2, 3, 3])])
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13),
                                                helper.make_opsetid("com.example", 1)])
    return m, None, None, {}


def m_avgpool_include_pad():
    nodes = [helper.make_node("AveragePool", ["x"], ["y"], name="ap", kernel_shape=[3, 3],
                              pads=[1, 1, 1, 1], count_include_pad=1)]
    return model(nodes, [("x", [1, 2, 4, 4])], [("y", [1, 2, 4, 4])], {}), None, None, {}


def m_flatten_output():
    nodes = [helper.make_node("Flatten", ["x"], ["y"], name="flat")]
    return model(nodes, [("x", [1, 2, 3, 3])], [("y", [1, 18])], {}), None, None, {}


MODELS = {
    "cnn": m_cnn, "depthwise": m_depthwise, "residual": m_residual, "concat": m_concat,
    "same": m_same, "opset6": m_opset6, "gemm": m_gemm, "consts": m_consts,
    "torch_flatten": m_torch_flatten, "se": m_se, "pad_pool": m_pad_pool,
    "symbolic": m_symbolic, "cnn_external": m_cnn_external, "unsupported": m_unsupported, "avgpool_include_pad": m_avgpool_include_pad,
    "flatten_output": m_flatten_output,
}


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    names = sys.argv[2:] or list(MODELS)
    for name in names:
        m, ins, outs, extra = MODELS[name]()
        if name != "unsupported":
            onnx.checker.check_model(m)
        if name == "cnn_external":
            onnx.save_model(m, os.path.join(out, name + ".onnx"), save_as_external_data=True,
                            all_tensors_to_one_file=True, location=name + ".weights",
                            size_threshold=0)
        else:
            onnx.save(m, os.path.join(out, name + ".onnx"))
        for k, a in enumerate(ins or []):
            np.save(os.path.join(out, f"{name}.in{k}.npy"), np.asarray(a, np.float32))
        for k, a in enumerate(outs or []):
            np.save(os.path.join(out, f"{name}.out{k}.npy"), np.asarray(a, np.float32))
        for key, a in extra.items():
            np.save(os.path.join(out, f"{name}.{key}.npy"), np.asarray(a, np.float32))


if __name__ == "__main__":
    main()
