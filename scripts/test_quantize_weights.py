#!/usr/bin/python3
"""Self-test of quantize_weights.py on a small synthetic TF.js graph model.

Run: /usr/bin/python3 scripts/test_quantize_weights.py   (exit status 0 = pass)

Covers what the three real models do not: two weight groups, a tensor split across two
shards, uint8-affine and float16 manifest quantization, int32 tensors, MatMul with
transpose_b, a depthwise filter with multiplier M = 2, an all-zero output channel, exact
rounding ties, a 2-D float tensor that no filter op uses, file-name collisions, and the
error messages for a missing or truncated shard.
"""

import json
import os
import subprocess
import sys
import tempfile

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
SCRIPT = os.path.join(HERE, "quantize_weights.py")


def ref_quant(w, reduce_axes):
    w = w.astype(np.float64)
    if reduce_axes is None:
        m = np.abs(w).max()
        s = m / 127 if m > 0 else 1.0
    else:
        m = np.abs(w).max(axis=reduce_axes, keepdims=True)
        s = np.where(m > 0, m / 127, 1.0)
    x = w / s
    # ties away from zero, written differently from the script on purpose
    r = np.where(x >= 0, np.floor(x + 0.5), -np.floor(-x + 0.5))
    # guard the x = 0.49999999999999994 case of floor(x + 0.5)
    r = np.where(np.abs(x) < 0.5, 0.0, r)
    return np.clip(r, -127, 127).astype(np.int8)


def run(args, expect_rc=0):
    p = subprocess.run([sys.executable, SCRIPT] + args, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, universal_newlines=True)
    if p.returncode != expect_rc:
        sys.stderr.write(p.stdout + p.stderr)
        raise AssertionError("rc %d, expected %d for %s" % (p.returncode, expect_rc, args))
    return p.stdout, p.stderr


def main():
    rng = np.random.default_rng(1234)
    conv = rng.normal(0, 0.1, (3, 3, 4, 5)).astype(np.float32)
    conv[..., 2] = 0.0                                    # all-zero output channel
    # exact ties: max 127 -> scale 1, so 2.5 -> 3 and -0.5 -> -1 (half away from zero)
    conv[0, 0, 0, 4] = 127.0
    conv[0, 0, 1, 4] = 2.5
    conv[0, 0, 2, 4] = -0.5
    dw = rng.normal(0, 0.3, (3, 3, 3, 2)).astype(np.float32)       # HWCM, M = 2
    mm_t = rng.normal(0, 1.0, (6, 8)).astype(np.float32)           # [out, in], transpose_b
    mm = rng.normal(0, 1.0, (8, 6)).astype(np.float32)             # [in, out]
    other = rng.normal(0, 1.0, (2, 3)).astype(np.float32)          # not a filter
    bias = rng.normal(0, 1.0, (5,)).astype(np.float32)
    paddings = np.array([[0, 0], [1, 1]], dtype=np.int32)
    # uint8 affine: value = q*scale + min
    u8_q = rng.integers(0, 256, (1, 1, 5, 3)).astype(np.uint8)
    u8_scale, u8_min = 0.01, -1.2
    u8_val = u8_q.astype(np.float32) * np.float32(u8_scale) + np.float32(u8_min)
    f16 = rng.normal(0, 0.5, (1, 1, 3, 4)).astype(np.float16)

    g0 = [("w/a", conv, None), ("b", bias, None), ("pad", paddings, None),
          ("dw", dw, None), ("u8", u8_q, {"dtype": "uint8", "scale": u8_scale, "min": u8_min})]
    g1 = [("f16", f16, {"dtype": "float16"}), ("mm_t", mm_t, None), ("mm", mm, None),
          ("w_a", other, None)]

    def manifest(group, paths):
        return {"paths": paths, "weights": [
            dict({"name": n, "shape": list(a.shape),
                  "dtype": "int32" if a.dtype == np.int32 else "float32"},
                 **({"quantization": q} if q else {})) for n, a, q in group]}

    def blob(group):
        return b"".join(a.astype(a.dtype.newbyteorder("<")).tobytes() for _, a, _ in group)

    nodes = [
        {"name": "x", "op": "Placeholder"},
        {"name": "c1", "op": "_FusedConv2D", "input": ["x", "w/a", "b"]},
        {"name": "p", "op": "Pad", "input": ["c1", "pad"]},
        {"name": "d1", "op": "DepthwiseConv2dNative", "input": ["p", "dw:0"]},
        {"name": "c2", "op": "Conv2D", "input": ["d1", "u8", "^c1"]},
        {"name": "c3", "op": "Conv2D", "input": ["c2", "f16"]},
        {"name": "m1", "op": "MatMul", "input": ["c3", "mm_t"],
         "attr": {"transpose_a": {"b": False}, "transpose_b": {"b": True}}},
        {"name": "m2", "op": "_FusedMatMul", "input": ["m1", "mm"]},
        {"name": "r", "op": "Reshape", "input": ["m2", "w_a"]},
    ]
    model = {"format": "graph-model", "modelTopology": {"node": nodes},
             "weightsManifest": [manifest(g0, ["g0-1.bin", "g0-2.bin"]),
                                 manifest(g1, ["g1.bin"])]}
    expect = {  # name -> (float values, per-channel reduce axes)
        "w/a": (conv, (0, 1, 2)), "dw": (dw, (0, 1)), "u8": (u8_val, (0, 1, 2)),
        "f16": (f16.astype(np.float32), (0, 1, 2)), "mm_t": (mm_t, (1,)), "mm": (mm, (0,)),
        "w_a": (other, (0,)),
    }

    with tempfile.TemporaryDirectory() as d:
        b0 = blob(g0)
        cut = len(b0) // 2 + 3            # split inside a tensor
        with open(os.path.join(d, "g0-1.bin"), "wb") as f:
            f.write(b0[:cut])
        with open(os.path.join(d, "g0-2.bin"), "wb") as f:
            f.write(b0[cut:])
        with open(os.path.join(d, "g1.bin"), "wb") as f:
            f.write(blob(g1))
        mj = os.path.join(d, "m.json")
        with open(mj, "w") as f:
            json.dump(model, f)

        out = os.path.join(d, "out")
        stdout, stderr = run([mj, out])
        assert "quantizing 7 filter tensors" in stdout, stdout
        assert "1 all-zero channel(s) in 1 tensor(s)" in stdout, stdout
        assert "'w_a'" in stderr and "not the filter" in stderr, stderr
        assert "collides" in stderr, stderr
        for scheme in ("per-tensor", "per-channel"):
            man = json.load(open(os.path.join(out, scheme, "manifest.json")))
            files = {t["name"]: t["file"] for t in man["tensors"]}
            assert set(files) == set(expect), files
            assert files["w/a"] != files["w_a"]
            for name, (w, axes) in expect.items():
                q = np.load(os.path.join(out, scheme, files[name]))
                with open(os.path.join(out, scheme, files[name]), "rb") as f:
                    assert f.read(8) == b"\x93NUMPY\x01\x00"
                assert q.dtype.str == "|i1" and q.shape == w.shape, (name, q.dtype, q.shape)
                ref = ref_quant(w, axes if scheme == "per-channel" else None)
                assert np.array_equal(q, ref), (scheme, name, np.argwhere(q != ref)[:5])
            qa = np.load(os.path.join(out, scheme, files["w/a"]))
            if scheme == "per-channel":
                assert qa[0, 0, 0, 4] == 127 and qa[0, 0, 1, 4] == 3 and qa[0, 0, 2, 4] == -1
                assert not qa[..., 2].any()
                dwe = [t for t in man["tensors"] if t["name"] == "dw"][0]
                assert dwe["role"] == "depthwise" and len(dwe["scale"]) == 6, dwe
                assert dwe["channel_axes"] == [2, 3]
                mte = [t for t in man["tensors"] if t["name"] == "mm_t"][0]
                assert mte["role"] == "matmul" and mte["channel_axes"] == [0], mte

        # rerun replaces the scheme directories cleanly
        run([mj, out, "--scheme", "per-channel"])
        assert sorted(os.listdir(out)) == ["per-channel", "per-tensor"], os.listdir(out)

        # truncated second shard of group 0
        with open(os.path.join(d, "g0-2.bin"), "wb") as f:
            f.write(b0[cut:-5])
        _, err = run([mj, out], expect_rc=1)
        assert "g0-2.bin is truncated" in err and "tensor 'u8'" in err, err
        # missing shard
        os.remove(os.path.join(d, "g1.bin"))
        with open(os.path.join(d, "g0-2.bin"), "wb") as f:
            f.write(b0[cut:])
        _, err = run([mj, out], expect_rc=1)
        assert "'g1.bin'" in err and "not found" in err, err
    print("test_quantize_weights: all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
