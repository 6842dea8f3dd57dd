#!/usr/bin/python3
"""Writes the seed corpora of the platform's fuzz targets into platform/fuzz/corpus/<target>/.

usage: make_corpus.py [OUTDIR]   (default: the corpus/ folder next to this script)

Small valid inputs of each format, so the fuzzers start past the parsers' first checks:
- fuzz_tfjs: tiny TF.js graph models (model.json, then the weight shards, separated by
  "#@#@") covering every op the importer knows, the quantized and float16 weight encodings
  and both signature placements;
- fuzz_trace: trace.json, then the layer's .npy files (weights, input, output per layer);
- fuzz_onnx: the small test models of testbench/network/make_onnx_models.py, and one with its
  weights as external data (the model, "#@#@", then weights.bin);
- fuzz_image: PNGs of every colour type and bit depth, interlaced and not, and JPEGs (grey,
  4:2:0, progressive, restart markers, arithmetic coding) written by libjpeg through a small C
  program compiled here.
Needs Debian's python3-numpy, python3-onnx, a C compiler and libjpeg-dev. The files are
deterministic; each is far below 50 KB.
"""
import base64
import importlib.util
import io
import json
import os
import struct
import subprocess
import sys
import tempfile
import zlib

import numpy as np

SEP = b"#@#@"
HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))


def write(out, target, name, data):
    d = os.path.join(out, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


# --- TF.js ------------------------------------------------------------------------------------


def s64(text):
    return base64.b64encode(text.encode()).decode()


def ints(*v):
    return {"list": {"i": [str(x) for x in v]}}


def node(name, op, inputs=(), **attr):
    n = {"name": name, "op": op, "attr": attr}
    if inputs:
        n["input"] = list(inputs)
    return n


def placeholder(name, shape):
    return node(name, "Placeholder", dtype={"type": "DT_FLOAT"},
                shape={"shape": {"dim": [{"size": str(d)} for d in shape]}})


def const(name, shape, dtype="DT_FLOAT"):
    return node(name, "Const", dtype={"type": dtype},
                value={"tensor": {"dtype": dtype,
                                  "tensorShape": {"dim": [{"size": str(d)} for d in shape]}}})


class Weights:
    """One weight group: manifest entries and the bytes of their stream."""

    def __init__(self):
        self.entries, self.data = [], b""

    def add(self, name, values, dtype="float32", quant=None):
        a = np.asarray(values, dtype=np.float64)
        e = {"name": name, "shape": list(a.shape), "dtype": dtype}
        if quant == "uint8" or quant == "uint16":
            lo, hi = float(a.min()), float(a.max())
            levels = 255 if quant == "uint8" else 65535
            scale = (hi - lo) / levels if hi > lo else 1.0
            q = np.round((a - lo) / scale).astype(np.uint8 if quant == "uint8" else "<u2")
            e["quantization"] = {"dtype": quant, "scale": scale, "min": lo}
            self.data += q.tobytes()
        elif quant == "float16":
            e["quantization"] = {"dtype": "float16"}
            self.data += a.astype("<f2").tobytes()
        elif dtype == "int32":
            self.data += a.astype("<i4").tobytes()
        else:
            self.data += a.astype("<f4").tobytes()
        self.entries.append(e)


def tfjs_model(nodes, groups, signature=None, in_metadata=False):
    """model.json and the shards: each group is (Weights, number of shards)."""
    manifest, shards = [], []
    for gi, (w, count) in enumerate(groups):
        cut = [len(w.data) * k // count for k in range(count + 1)]
        paths = [f"group{gi + 1}-shard{k + 1}of{count}.bin" for k in range(count)]
        manifest.append({"paths": paths, "weights": w.entries})
        shards += [w.data[cut[k]:cut[k + 1]] for k in range(count)]
    doc = {"format": "graph-model", "generatedBy": "2.11.0", "convertedBy": "make_corpus.py",
           "modelTopology": {"node": nodes, "library": {}, "versions": {"producer": 1240}},
           "weightsManifest": manifest}
    if signature and in_metadata:
        doc["userDefinedMetadata"] = {"signature": signature}
    elif signature:
        doc["signature"] = signature
    return SEP.join([json.dumps(doc, separators=(",", ":")).encode()] + shards)


def port(name, shape):
    return {"name": name, "dtype": "DT_FLOAT",
            "tensorShape": {"dim": [{"size": str(d)} for d in shape]}}


def tfjs_seeds(out):
    rng = np.random.default_rng(7)
    r = lambda *s: rng.standard_normal(s).round(3)
    same, valid = {"s": s64("SAME")}, {"s": s64("VALID")}
    nhwc = {"s": s64("NHWC")}

    # Conv2D, BiasAdd, Relu: the one-layer conv.
    w = Weights()
    w.add("w", r(3, 3, 2, 3))
    w.add("b", r(3))
    nodes = [placeholder("x", [1, 5, 5, 2]), const("w", [3, 3, 2, 3]), const("b", [3]),
             node("conv", "Conv2D", ["x", "w"], strides=ints(1, 1, 1, 1), padding=same,
                  data_format=nhwc, dilations=ints(1, 1, 1, 1)),
             node("bias", "BiasAdd", ["conv", "b"], data_format=nhwc),
             node("relu", "Relu", ["bias"])]
    write(out, "fuzz_tfjs", "conv_relu", tfjs_model(nodes, [(w, 1)]))

    # Fused conv, fused depthwise with PReLU and explicit pads, max pool, mean, fused matmul,
    # softmax; uint8 / float16 / uint16 weights over two groups of two shards; a signature.
    w1, w2 = Weights(), Weights()
    w1.add("c1/w", r(1, 1, 3, 4), quant="uint8")
    w1.add("c1/b", r(4))
    w1.add("dw/w", r(3, 3, 4, 2), quant="float16")
    w1.add("dw/b", r(8))
    w1.add("dw/alpha", r(8))
    w2.add("axes", [1, 2], dtype="int32")
    w2.add("fc/w", r(8, 5), quant="uint16")
    w2.add("fc/b", r(5))
    nodes = [placeholder("image", [-1, 6, 6, 3]),
             const("c1/w", [1, 1, 3, 4]), const("c1/b", [4]), const("dw/w", [3, 3, 4, 2]),
             const("dw/b", [8]), const("dw/alpha", [8]), const("axes", [2], "DT_INT32"),
             const("fc/w", [8, 5]), const("fc/b", [5]),
             node("c1", "_FusedConv2D", ["image", "c1/w", "c1/b"], strides=ints(1, 2, 2, 1),
                  padding=valid, data_format=nhwc, num_args={"i": "1"},
                  fused_ops={"list": {"s": [s64("BiasAdd"), s64("Relu6")]}},
                  explicit_paddings={"list": {}}),
             node("dw", "FusedDepthwiseConv2dNative", ["c1", "dw/w", "dw/b", "dw/alpha"],
                  strides=ints(1, 1, 1, 1), padding={"s": s64("EXPLICIT")},
                  explicit_paddings=ints(0, 0, 1, 1, 1, 1, 0, 0), data_format=nhwc,
                  num_args={"i": "2"},
                  fused_ops={"list": {"s": [s64("BiasAdd"), s64("Prelu")]}}),
             node("pool", "MaxPool", ["dw"], ksize=ints(1, 2, 2, 1), strides=ints(1, 1, 1, 1),
                  padding=valid, data_format=nhwc),
             node("mean", "Mean", ["pool", "axes"], keep_dims={"b": False}),
             node("fc", "_FusedMatMul", ["mean", "fc/w", "fc/b"], transpose_a={"b": False},
                  transpose_b={"b": False}, num_args={"i": "1"},
                  fused_ops={"list": {"s": [s64("BiasAdd")]}}),
             node("prob", "Softmax", ["fc"]),
             node("Identity", "Identity", ["prob"])]
    sig = {"inputs": {"image:0": port("image:0", [-1, 6, 6, 3])},
           "outputs": {"Identity:0": port("Identity:0", [-1, 5])}}
    write(out, "fuzz_tfjs", "fused_dw_pool_fc", tfjs_model(nodes, [(w1, 2), (w2, 2)], sig))

    # Element-wise ops, folding (Mul/Add into a conv), a Minimum/Maximum clip, Pad, PadV2,
    # ConcatV2, AvgPool, Reshape with -1, Squeeze, Sigmoid, Tanh, Sub, MatMul transpose_b.
    w = Weights()
    w.add("k", r(1, 1, 2, 2))
    w.add("scale", r(2))
    w.add("shift", r(2))
    w.add("six", 6.0)
    w.add("zero", 0.0)
    w.add("pads", [[0, 0], [1, 1], [0, 1], [0, 0]], dtype="int32")
    w.add("pads2", [[0, 0], [0, 0], [0, 0], [1, 0]], dtype="int32")
    w.add("padval", 0.5)
    w.add("axis", -1, dtype="int32")
    w.add("shape", [1, -1], dtype="int32")
    w.add("shape3", [1, 1, 180], dtype="int32")
    w.add("m", r(4, 180))
    w.add("half", 0.5)
    nodes = [placeholder("x", [1, 4, 4, 2]), placeholder("y", [1, 6, 5, 3])] + [
        const(n, s, d) for n, s, d in [
            ("k", [1, 1, 2, 2], "DT_FLOAT"), ("scale", [2], "DT_FLOAT"),
            ("shift", [2], "DT_FLOAT"), ("six", [], "DT_FLOAT"), ("zero", [], "DT_FLOAT"),
            ("pads", [4, 2], "DT_INT32"), ("pads2", [4, 2], "DT_INT32"),
            ("padval", [], "DT_FLOAT"), ("axis", [], "DT_INT32"), ("shape", [2], "DT_INT32"),
            ("shape3", [3], "DT_INT32"), ("m", [4, 180], "DT_FLOAT"), ("half", [], "DT_FLOAT")]
    ] + [
        node("conv", "Conv2D", ["x", "k"], strides=ints(1, 1, 1, 1), padding=valid),
        node("mul", "Mul", ["conv", "scale"]),
        node("add", "AddV2", ["mul", "shift"]),
        node("min", "Minimum", ["add", "six"]),
        node("max", "Maximum", ["min", "zero"]),
        node("pad", "Pad", ["max", "pads"]),
        node("avg", "AvgPool", ["pad"], ksize=ints(1, 2, 2, 1), strides=ints(1, 1, 1, 1),
             padding=same),
        node("padv2", "PadV2", ["avg", "pads2", "padval"]),
        node("cat", "ConcatV2", ["padv2", "y", "axis"], N={"i": "2"}),
        node("sig", "Sigmoid", ["cat"]),
        node("flat", "Reshape", ["sig", "shape"]),
        node("r3", "Reshape", ["flat", "shape3"]),
        node("sq", "Squeeze", ["r3"], squeeze_dims=ints(1)),
        node("fc", "MatMul", ["sq", "m"], transpose_b={"b": True}),
        node("th", "Tanh", ["fc"]),
        node("sub", "Sub", ["th", "half"]),
        node("id", "Identity", ["sub"]),
    ]
    sig = {"inputs": {"x:0": port("x:0", [1, 4, 4, 2]), "y:0": port("y:0", [1, 6, 5, 3])},
           "outputs": {"id:0": port("id:0", [1, 4])}}
    write(out, "fuzz_tfjs", "elementwise_pad_concat",
          tfjs_model(nodes, [(w, 3)], sig, in_metadata=True))


# --- traces -----------------------------------------------------------------------------------


def npy(a):
    b = io.BytesIO()
    np.save(b, a)
    return b.getvalue()


def trace_seeds(out):
    rng = np.random.default_rng(11)
    conv = {"index": 1, "name": "conv", "kind": "conv", "input_shape": [1, 4, 4, 2],
            "output_shape": [1, 4, 4, 3], "filters": 3, "kernel": [3, 3], "stride": [1, 1],
            "dilation": [1, 1], "pads": [1, 1, 1, 1], "groups": 1, "macs": 864,
            "activation": "relu", "weights": "weights/001_conv.npy",
            "input": "inputs/001_conv.npy", "output": "outputs/001_conv.npy",
            "input_scale": 0.02, "input_signed": False, "output_scale": 0.05,
            "output_signed": False, "weight_scales": [0.01, 0.02, 0.03]}
    dw = {"index": 2, "name": "dw", "kind": "conv", "input_shape": [1, 4, 4, 3], "filters": 3,
          "kernel": [3, 3], "stride": [2, 2], "pads": [1, 0, 1, 0], "groups": 3,
          "weights": "weights/002_dw.npy", "input": "inputs/002_dw.npy"}
    fc = {"index": 3, "name": "fc", "kind": "fc", "input_shape": [1, 6], "filters": 4,
          "weights": "weights/003_fc.npy", "input": "inputs/003_fc.npy",
          "output": "outputs/003_fc.npy", "input_scale": 0.1, "output_scale": 0.2}
    top = {"format": "apack-vp trace", "version": 1, "model": "seed", "source": "make_corpus.py",
           "synthetic_values": True, "weight_bits": 8, "activation_bits": 8,
           "weights_per_channel": True, "layers": [conv, dw, fc]}
    files = [
        npy(rng.integers(-127, 128, (3, 3, 3, 2)).astype(np.int8)),
        npy(rng.integers(0, 256, (1, 4, 4, 2)).astype(np.uint8)),
        npy(rng.integers(0, 256, (1, 4, 4, 3)).astype(np.uint8)),
        npy(rng.integers(-300, 300, (3, 3, 3, 1)).astype("<i2")),
        npy(rng.integers(0, 600, (1, 4, 4, 3)).astype("<u2")),
        npy(rng.integers(-1000, 1000, (4, 6)).astype("<i4")),
    ]
    # load order: each layer's weights, input, then output; at most 6 files per input.
    both = json.dumps(dict(top, layers=[conv, dw]), indent=1).encode()
    write(out, "fuzz_trace", "conv_dw", SEP.join([both] + files[:5]))
    one = dict(top, layers=[fc])
    fc_files = [npy(rng.integers(-127, 128, (4, 6)).astype(np.int8)),
                npy(rng.integers(-127, 128, (1, 6)).astype(np.int8)),
                npy(rng.integers(-127, 128, (1, 4)).astype(np.int8))]
    write(out, "fuzz_trace", "fc", SEP.join([json.dumps(one).encode()] + fc_files))
    wide = dict(top, layers=[dict(fc, input_shape=[1, 2, 3], weights="w.npy", input="i.npy",
                                  output="o.npy")])
    write(out, "fuzz_trace", "fc_int32",
          SEP.join([json.dumps(wide).encode(), files[5],
                    npy(rng.integers(-9, 9, (1, 2, 3)).astype("<i4")),
                    npy(rng.integers(-9, 9, (1, 4)).astype("<i2"))]))


# --- ONNX -------------------------------------------------------------------------------------


def onnx_seeds(out):
    import onnx
    from onnx import external_data_helper

    spec = importlib.util.spec_from_file_location(
        "make_onnx_models", os.path.join(REPO, "testbench", "network", "make_onnx_models.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    for name in ["cnn", "depthwise", "residual", "concat", "same", "opset6", "gemm", "consts",
                 "torch_flatten", "se", "pad_pool", "avgpool_include_pad"]:
        m = mod.MODELS[name]()[0]
        write(out, "fuzz_onnx", name, m.SerializeToString())
    m = mod.MODELS["cnn"]()[0]
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "model.onnx")
        onnx.save_model(m, path, save_as_external_data=True, all_tensors_to_one_file=True,
                        location="weights.bin", size_threshold=0)
        with open(path, "rb") as f:
            model = f.read()
        with open(os.path.join(d, "weights.bin"), "rb") as f:
            data = f.read()
    write(out, "fuzz_onnx", "cnn_external", model + SEP + data)


# --- images -----------------------------------------------------------------------------------


def png(width, height, depth, color, rows, extra=(), interlace=0):
    def chunk(kind, body):
        c = kind + body
        return struct.pack(">I", len(body)) + c + struct.pack(">I", zlib.crc32(c) & 0xFFFFFFFF)

    out = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, depth,
                                                                color, 0, 0, interlace))
    for kind, body in extra:
        out += chunk(kind, body)
    out += chunk(b"IDAT", zlib.compress(b"".join(rows), 9)) + chunk(b"IEND", b"")
    return out


def adam7_rows(width, height, bits_per_pixel, pixel_bytes):
    """Rows of an Adam7-interlaced image; pixel_bytes(x, y) gives the bytes of one pixel."""
    passes = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2),
              (0, 1, 1, 2)]
    rows = []
    for x0, y0, dx, dy in passes:
        xs = list(range(x0, width, dx))
        if not xs:
            continue
        for y in range(y0, height, dy):
            rows.append(b"\x00" + b"".join(pixel_bytes(x, y) for x in xs))
    return rows


def image_seeds(out):
    w, h = 5, 4
    px = lambda x, y, c: (x * 40 + y * 25 + c * 70) % 256
    rgb_rows = [b"\x00" + bytes(px(x, y, c) for x in range(w) for c in range(3)) for y in range(h)]
    write(out, "fuzz_image", "rgb8.png", png(w, h, 8, 2, rgb_rows))
    rgba16 = [b"\x00" + b"".join(struct.pack(">HHHH", px(x, y, 0) * 257, px(x, y, 1) * 251,
                                             px(x, y, 2) * 199, 40000) for x in range(w))
              for y in range(h)]
    write(out, "fuzz_image", "rgba16.png", png(w, h, 16, 6, rgba16))
    grey2 = [b"\x00" + bytes([0b00011011, 0b11100100]) for y in range(h)]  # 8 px of 2 bits
    write(out, "fuzz_image", "grey2.png", png(8, h, 2, 0, grey2))
    ga8 = [b"\x00" + bytes(v for x in range(w) for v in (px(x, y, 0), 200)) for y in range(h)]
    write(out, "fuzz_image", "grey_alpha8.png", png(w, h, 8, 4, ga8))
    palette = bytes(v for i in range(4) for v in (i * 60, 255 - i * 60, i * 30))
    pal4 = [b"\x00" + bytes([0x01, 0x23, 0x30]) for y in range(h)]  # 5 px of 4 bits, padded
    write(out, "fuzz_image", "palette4_trns.png",
          png(w, h, 4, 3, pal4, extra=[(b"PLTE", palette), (b"tRNS", b"\x00\x80")]))
    grey16_trns = [b"\x00" + b"".join(struct.pack(">H", px(x, y, 1) * 257) for x in range(w))
                   for y in range(h)]
    write(out, "fuzz_image", "grey16_trns.png",
          png(w, h, 16, 0, grey16_trns, extra=[(b"tRNS", b"\x00\x00"), (b"gAMA",
                                                                          b"\x00\x00\xb1\x8f")]))
    il = adam7_rows(9, 9, 24, lambda x, y: bytes(px(x, y, c) for c in range(3)))
    write(out, "fuzz_image", "rgb8_interlaced.png", png(9, 9, 8, 2, il, interlace=1))
    # Filtered rows (Sub, Up, Average, Paeth) in one image.
    filt = [bytes([f]) + r[1:] for f, r in zip([1, 2, 3, 4], rgb_rows)]
    write(out, "fuzz_image", "rgb8_filters.png", png(w, h, 8, 2, filt))

    c_src = r"""
#include <stdio.h>
#include <stdlib.h>
#include <jpeglib.h>
/* jpeg OUT W H COMPONENTS QUALITY PROGRESSIVE RESTART ARITHMETIC SUBSAMPLE */
int main(int argc, char** argv) {
  if (argc != 10) return 2;
  int w = atoi(argv[2]), h = atoi(argv[3]), comps = atoi(argv[4]);
  struct jpeg_compress_struct c;
  struct jpeg_error_mgr err;
  FILE* f = fopen(argv[1], "wb");
  if (!f) return 1;
  c.err = jpeg_std_error(&err);
  jpeg_create_compress(&c);
  jpeg_stdio_dest(&c, f);
  c.image_width = w;
  c.image_height = h;
  c.input_components = comps;
  c.in_color_space = comps == 1 ? JCS_GRAYSCALE : JCS_RGB;
  jpeg_set_defaults(&c);
  jpeg_set_quality(&c, atoi(argv[5]), TRUE);
  if (atoi(argv[6])) jpeg_simple_progression(&c);
  c.restart_in_rows = atoi(argv[7]);
  c.arith_code = atoi(argv[8]);
  if (comps == 3 && !atoi(argv[9])) {
    c.comp_info[0].h_samp_factor = c.comp_info[0].v_samp_factor = 1;
  }
  jpeg_start_compress(&c, TRUE);
  unsigned char* row = malloc((size_t)w * comps);
  while (c.next_scanline < c.image_height) {
    for (int x = 0; x < w * comps; ++x) row[x] = (unsigned char)((x * 37 + c.next_scanline * 53) & 255);
    JSAMPROW r = row;
    jpeg_write_scanlines(&c, &r, 1);
  }
  jpeg_finish_compress(&c);
  jpeg_destroy_compress(&c);
  fclose(f);
  free(row);
  return 0;
}
"""
    with tempfile.TemporaryDirectory() as d:
        src, exe = os.path.join(d, "jpeg.c"), os.path.join(d, "jpeg")
        with open(src, "w") as f:
            f.write(c_src)
        subprocess.run(["cc", "-O1", "-o", exe, src, "-ljpeg"], check=True)
        for name, args in [("rgb420.jpg", "17 9 3 75 0 0 0 1"),
                           ("rgb444.jpg", "8 8 3 90 0 0 0 0"),
                           ("grey.jpg", "11 7 1 80 0 0 0 0"),
                           ("rgb_progressive.jpg", "16 16 3 70 1 0 0 1"),
                           ("rgb_restart.jpg", "24 16 3 60 0 1 0 1"),
                           ("rgb_arith.jpg", "9 9 3 80 0 0 1 1")]:
            path = os.path.join(d, name)
            subprocess.run([exe, path] + args.split(), check=True)
            with open(path, "rb") as f:
                write(out, "fuzz_image", name, f.read())


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "corpus")
    tfjs_seeds(out)
    trace_seeds(out)
    onnx_seeds(out)
    image_seeds(out)


if __name__ == "__main__":
    main()
