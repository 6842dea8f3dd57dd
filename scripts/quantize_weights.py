#!/usr/bin/python3
"""Quantize the weight filters of a TensorFlow.js graph model to int8 .npy files.

Usage:  /usr/bin/python3 scripts/quantize_weights.py MODEL_JSON OUTDIR
            [--scheme per-tensor|per-channel|both] [-v]

Needs numpy: run it with Debian's /usr/bin/python3 (package python3-numpy), or directly as
scripts/quantize_weights.py (the shebang is /usr/bin/python3). A pyenv/venv `python3` on
PATH usually has no numpy.

Input: model.json of a TF.js graph model. Its `weightsManifest` is a list of groups, each
with `paths` (shard files, relative to model.json) and `weights` ([{name, shape, dtype,
optional quantization {dtype: uint8|uint16|float16, scale, min}}]). A group's shards,
concatenated in order, hold its tensors back to back, little-endian, row-major.
Quantized storage is decoded as TF.js does: uint8/uint16 -> q*scale + min (float32),
float16 -> float32.

Selection: every floating-point weight with at least 2 dimensions (conv / depthwise /
matmul filters). 1-D biases, scalars and integer tensors (Pad paddings, Reshape shapes,
reduction indices) are skipped. The role of each filter comes from the graph: the node
that consumes the weight as its filter input decides the output-channel axis.

Quantization (symmetric int8, no zero point):
    scale = max|w| / 127        over the whole tensor (per-tensor), or over each output
                                channel (per-channel); a tensor/channel whose max|w| is 0
                                gets scale 1 (its values are all 0 anyway)
    q     = clip(round_half_away_from_zero(w / scale), -127, 127)   as int8
    computed in float64 from the float32 weights; -128 is never produced.
Output channel per op (per-channel scheme):
    Conv2D/_FusedConv2D/Conv3D filter (HWIO / DHWIO)       -> last axis (O)
    MatMul/_FusedMatMul [in, out]                           -> last axis (axis 0 if transpose_b)
    DepthwiseConv2dNative/FusedDepthwiseConv2dNative (HWCM) -> one scale per (C, M) pair,
                                                               i.e. axis 2 (C) since M == 1
    Conv2DBackpropInput filter (HWOI)                       -> axis 2 (O)
    any other 2+-D float weight (not seen as a filter)      -> last axis, with a warning

Output: OUTDIR/per-tensor/<name>.npy and OUTDIR/per-channel/<name>.npy (np.save format 1.0,
dtype '|i1', original shape), where <name> is the TF.js tensor name with every character
outside [A-Za-z0-9._-] replaced by '_'. Each scheme directory also gets a manifest.json
(tensor name, file, shape, role, channel axis, scales, counts). A scheme directory is
written in full to a temporary directory and then swapped in, so it never mixes runs.
"""

import argparse
import hashlib
import json
import os
import re
import shutil
import sys
import tempfile

try:
    import numpy as np
except ImportError:  # pragma: no cover - depends on the interpreter
    sys.stderr.write(
        "quantize_weights: error: numpy is not available in %s.\n"
        "Run this script with Debian's /usr/bin/python3 (apt-get install python3-numpy),\n"
        "e.g. /usr/bin/python3 %s ...\n" % (sys.executable, sys.argv[0]))
    sys.exit(2)

PROG = "quantize_weights"
QMAX = 127
TINY_REL = 1e-6   # "tiny channel" threshold, relative to the tensor's max|w| (report only)

# Bytes per element of the storage dtypes of a TF.js weights manifest.
STORAGE = {
    "float32": np.dtype("<f4"),
    "int32": np.dtype("<i4"),
    "bool": np.dtype("u1"),
    "complex64": np.dtype("<c8"),
}
QUANT_STORAGE = {
    "uint8": np.dtype("u1"),
    "uint16": np.dtype("<u2"),
    "float16": np.dtype("<f2"),
}
FLOAT_DTYPES = ("float32",)

# (op, input index of the filter) -> role
CONV_OPS = {"Conv2D", "_FusedConv2D", "Conv3D"}
DEPTHWISE_OPS = {"DepthwiseConv2dNative", "FusedDepthwiseConv2dNative"}
MATMUL_OPS = {"MatMul", "_FusedMatMul"}
CONV_TRANSPOSE_OPS = {"Conv2DBackpropInput"}


class ModelError(Exception):
    pass


def warn(msg):
    sys.stderr.write("%s: warning: %s\n" % (PROG, msg))


# ------------------------------------------------------------------------------------------
# Reading the model
# ------------------------------------------------------------------------------------------

def load_json(path):
    try:
        with open(path, "rb") as f:
            raw = f.read()
    except OSError as e:
        raise ModelError("cannot read model file %s: %s" % (path, e.strerror))
    try:
        return json.loads(raw.decode("utf-8")), hashlib.sha256(raw).hexdigest()
    except (UnicodeDecodeError, ValueError) as e:
        raise ModelError("%s is not valid JSON: %s" % (path, e))


def element_count(shape):
    n = 1
    for d in shape:
        if not isinstance(d, int) or d < 0:
            raise ValueError("bad dimension %r" % (d,))
        n *= d
    return n


def read_group(model_path, gi, group):
    """Concatenate the shards of one manifest group. Returns (buffer, [(path, start, end)])."""
    base = os.path.dirname(os.path.abspath(model_path))
    paths = group.get("paths")
    if not isinstance(paths, list) or not paths:
        raise ModelError("%s: weightsManifest[%d] has no 'paths'" % (model_path, gi))
    parts, spans, pos = [], [], 0
    for p in paths:
        full = os.path.join(base, p)
        try:
            with open(full, "rb") as f:
                data = f.read()
        except FileNotFoundError:
            raise ModelError("%s: weight shard '%s' (weightsManifest[%d]) not found: %s"
                             % (model_path, p, gi, full))
        except OSError as e:
            raise ModelError("%s: cannot read weight shard %s: %s" % (model_path, full, e.strerror))
        parts.append(data)
        spans.append((full, pos, pos + len(data)))
        pos += len(data)
    return b"".join(parts), spans


def string_tensor_bytes(buf, offset, count, where):
    """TF.js string tensors: per element a uint32 LE byte length, then the bytes."""
    pos = offset
    for _ in range(count):
        if pos + 4 > len(buf):
            raise ModelError(where)
        n = int.from_bytes(buf[pos:pos + 4], "little")
        pos += 4 + n
    if pos > len(buf):
        raise ModelError(where)
    return pos - offset


def decode_weights(model_path, model):
    """Yield dicts {name, shape, dtype, values (np array or None), group, offset, nbytes}."""
    manifest = model.get("weightsManifest")
    if not isinstance(manifest, list):
        raise ModelError("%s has no 'weightsManifest' list (is it a TF.js graph model?)"
                         % model_path)
    out = []
    for gi, group in enumerate(manifest):
        buf, spans = read_group(model_path, gi, group)
        offset = 0
        for w in group.get("weights", []):
            name = w.get("name")
            shape = w.get("shape")
            dtype = w.get("dtype")
            try:
                count = element_count(shape)
            except (TypeError, ValueError) as e:
                raise ModelError("%s: tensor '%s' has an invalid shape %r (%s)"
                                 % (model_path, name, shape, e))
            quant = w.get("quantization")
            if quant is not None:
                qd = quant.get("dtype")
                if qd not in QUANT_STORAGE:
                    raise ModelError("%s: tensor '%s' uses unsupported quantization dtype %r"
                                     % (model_path, name, qd))
                storage = QUANT_STORAGE[qd]
            elif dtype in STORAGE:
                storage = STORAGE[dtype]
            elif dtype == "string":
                storage = None
            else:
                raise ModelError("%s: tensor '%s' has unsupported dtype %r"
                                 % (model_path, name, dtype))

            last_file, _, last_end = spans[-1]
            def trunc_msg(need):
                return ("%s: weight shard %s is truncated (or a later shard of "
                        "weightsManifest[%d] is missing): tensor '%s' (shape %s, %s) %s, "
                        "but the group's shards hold only %d bytes"
                        % (model_path, last_file, gi, name, shape, dtype, need, last_end))
            if storage is None:
                nbytes = string_tensor_bytes(
                    buf, offset, count, trunc_msg("starts at byte %d" % offset))
                values = None
            else:
                nbytes = count * storage.itemsize
                if offset + nbytes > len(buf):
                    raise ModelError(trunc_msg("needs bytes %d..%d" % (offset, offset + nbytes)))
                raw = np.frombuffer(buf, dtype=storage, count=count, offset=offset)
                if quant is not None:
                    if quant["dtype"] == "float16":
                        values = raw.astype(np.float32)
                    else:
                        scale = np.float32(quant.get("scale", 1.0))
                        qmin = np.float32(quant.get("min", 0.0))
                        values = raw.astype(np.float32) * scale + qmin
                        if dtype == "int32":
                            values = np.round(values).astype(np.int32)
                else:
                    values = raw.astype(storage.newbyteorder("="))
                values = values.reshape(shape)
            out.append({"name": name, "shape": list(shape), "dtype": dtype,
                        "quantization": quant["dtype"] if quant else None,
                        "values": values, "group": gi, "offset": offset,
                        "nbytes": nbytes})
            offset += nbytes
        if offset < len(buf):
            warn("%s: weightsManifest[%d] shards hold %d bytes but the manifest uses only %d"
                 % (model_path, gi, len(buf), offset))
    return out


def graph_nodes(model):
    topo = model.get("modelTopology") or {}
    nodes = list(topo.get("node") or [])
    for fn in (topo.get("library") or {}).get("function") or []:
        nodes.extend(fn.get("nodeDef") or [])
    return nodes


def input_name(s):
    s = s[1:] if s.startswith("^") else s
    return s.split(":")[0]


def attr_bool(node, key):
    return bool(((node.get("attr") or {}).get(key) or {}).get("b", False))


def consumers_of(model):
    """weight name -> list of (op, input index, node name, node)."""
    cons = {}
    for node in graph_nodes(model):
        for i, inp in enumerate(node.get("input") or []):
            if inp.startswith("^"):
                continue
            cons.setdefault(input_name(inp), []).append((node.get("op"), i, node.get("name"), node))
    return cons


def classify(name, shape, uses):
    """Return (role, reduce_axes for per-channel, channel description, ops)."""
    nd = len(shape)
    roles = set()
    for op, idx, _, node in uses:
        if op in CONV_OPS and idx == 1:
            roles.add(("conv", nd - 1))
        elif op in DEPTHWISE_OPS and idx == 1:
            roles.add(("depthwise", None))
        elif op in MATMUL_OPS and idx == 1:
            roles.add(("matmul", 0 if attr_bool(node, "transpose_b") else nd - 1))
        elif op in CONV_TRANSPOSE_OPS and idx == 1:
            roles.add(("conv_transpose", 2))
        else:
            roles.add(("other", nd - 1))
    ops = sorted({"%s[%d]" % (op, idx) for op, idx, _, _ in uses})
    filter_roles = {r for r in roles if r[0] != "other"}
    if len(filter_roles) > 1:
        raise ModelError("tensor '%s' is used as a filter in incompatible ways: %s"
                         % (name, ", ".join(ops)))
    if filter_roles:
        role, axis = filter_roles.pop()
        if roles - {(role, axis)}:
            warn("tensor '%s' is a %s filter but also feeds %s" % (name, role, ", ".join(ops)))
    else:
        role, axis = "other", nd - 1
        warn("tensor '%s' (shape %s) is not the filter of any conv/depthwise/matmul node "
             "(%s); quantizing it per channel along its last axis"
             % (name, shape, ", ".join(ops) if ops else "not referenced by the graph"))
    if role == "depthwise":
        if nd != 4:
            raise ModelError("depthwise filter '%s' has shape %s, expected 4-D HWCM" % (name, shape))
        reduce_axes = (0, 1)           # one scale per (c, m): the output channel c*M + m
        chan = "axis 2 (C)" if shape[3] == 1 else "axes 2,3 (C x M)"
        channel_axes = [2] if shape[3] == 1 else [2, 3]
    else:
        reduce_axes = tuple(a for a in range(nd) if a != axis)
        chan = "axis %d" % axis
        channel_axes = [axis]
    return role, reduce_axes, channel_axes, chan, ops


# ------------------------------------------------------------------------------------------
# Quantization
# ------------------------------------------------------------------------------------------

def round_half_away(x):
    """Round to nearest, ties away from zero (exact: x - trunc(x) is exact in binary FP)."""
    t = np.trunc(x)
    frac = x - t
    return t + np.where(np.abs(frac) >= 0.5, np.sign(x), 0.0)


def quantize(w, reduce_axes):
    """Symmetric int8. reduce_axes=None -> per-tensor. Returns (q int8, scale array/float)."""
    w64 = w.astype(np.float64)
    if reduce_axes is None:
        amax = np.max(np.abs(w64)) if w64.size else 0.0
        scale = amax / QMAX if amax > 0 else 1.0
        s = scale
    else:
        amax = np.max(np.abs(w64), axis=reduce_axes, keepdims=True)
        s = np.where(amax > 0, amax / QMAX, 1.0)
        scale = s
    q = np.clip(round_half_away(w64 / s), -QMAX, QMAX).astype(np.int8)
    return q, scale


# ------------------------------------------------------------------------------------------
# Output
# ------------------------------------------------------------------------------------------

def sanitize(name):
    s = re.sub(r"[^A-Za-z0-9._-]", "_", name)
    if s.startswith("."):
        s = "_" + s[1:]
    return s or "_"


def save_npy(path, arr):
    with open(path, "wb") as f:
        np.lib.format.write_array(f, np.ascontiguousarray(arr), version=(1, 0),
                                  allow_pickle=False)


def replace_dir(tmp_dir, final_dir):
    """Swap tmp_dir in as final_dir. An existing final_dir must look like our own output."""
    if os.path.lexists(final_dir):
        if not os.path.isdir(final_dir) or os.path.islink(final_dir):
            raise ModelError("%s exists and is not a directory" % final_dir)
        foreign = [f for f in os.listdir(final_dir)
                   if not (f.endswith(".npy") or f == "manifest.json")]
        if foreign:
            raise ModelError("refusing to replace %s: it holds files this script did not write "
                             "(%s)" % (final_dir, ", ".join(sorted(foreign)[:5])))
        old = tempfile.mkdtemp(prefix="." + os.path.basename(final_dir) + ".old-",
                               dir=os.path.dirname(final_dir))
        os.rmdir(old)
        os.rename(final_dir, old)
        os.rename(tmp_dir, final_dir)
        shutil.rmtree(old)
    else:
        os.rename(tmp_dir, final_dir)


def main(argv=None):
    ap = argparse.ArgumentParser(
        prog="quantize_weights.py",
        description="Quantize the conv/depthwise/matmul filters of a TF.js graph model to "
                    "int8 .npy files (symmetric, round half away from zero, clip to "
                    "[-127, 127]). Run with /usr/bin/python3 (needs numpy).")
    ap.add_argument("model_json", metavar="MODEL_JSON")
    ap.add_argument("outdir", metavar="OUTDIR")
    ap.add_argument("--scheme", choices=("per-tensor", "per-channel", "both"), default="both",
                    help="which scheme(s) to write (default: both)")
    ap.add_argument("-v", "--verbose", action="store_true", help="print one line per tensor")
    args = ap.parse_args(argv)
    schemes = ["per-tensor", "per-channel"] if args.scheme == "both" else [args.scheme]

    model, model_sha = load_json(args.model_json)
    weights = decode_weights(args.model_json, model)
    cons = consumers_of(model)
    mname = os.path.basename(args.model_json)

    selected, skipped = [], {}
    for w in weights:
        why = None
        if w["values"] is None or w["dtype"] not in FLOAT_DTYPES:
            why = "non-float (%s)" % w["dtype"]
        elif len(w["shape"]) < 2:
            why = "1-D/scalar"
        elif w["values"].size == 0:
            why = "empty"
        if why:
            skipped.setdefault(why, []).append(w["name"])
            continue
        if not np.all(np.isfinite(w["values"])):
            raise ModelError("%s: tensor '%s' contains NaN or Inf" % (args.model_json, w["name"]))
        role, reduce_axes, channel_axes, chan, ops = classify(w["name"], w["shape"],
                                                              cons.get(w["name"], []))
        w.update(role=role, reduce_axes=reduce_axes, channel_axes=channel_axes, chan=chan,
                 ops=ops)
        selected.append(w)

    # File names: sanitized, unique (case-insensitively, for case-folding file systems).
    used = set()
    for w in selected:
        base = sanitize(w["name"])
        fn, k = base, 2
        while fn.lower() in used:
            fn = "%s__%d" % (base, k)
            k += 1
        if fn != base:
            warn("file name of '%s' collides after sanitizing; using %s.npy" % (w["name"], fn))
        used.add(fn.lower())
        w["file"] = fn + ".npy"

    # Cross-check of the graph-based depthwise detection against the naive name/shape rule.
    naive_disagree = []
    for w in selected:
        naive = "depthwise" in w["name"].lower() or (len(w["shape"]) == 4 and w["shape"][3] == 1)
        if naive != (w["role"] == "depthwise"):
            naive_disagree.append(w["name"])

    roles = {}
    for w in selected:
        roles[w["role"]] = roles.get(w["role"], 0) + 1
    n_weights = len(weights)
    print("%s: %d tensors in the manifest (%d group(s), %d bytes of weights, sha256 %s...)"
          % (mname, n_weights, len(model.get("weightsManifest", [])),
             sum(w["nbytes"] for w in weights), model_sha[:12]))
    print("  quantizing %d filter tensors (%s)" % (len(selected), ", ".join(
        "%d %s" % (n, r) for r, n in sorted(roles.items()))))
    for why, names in sorted(skipped.items()):
        print("  skipped %d %s tensors" % (len(names), why))
    if naive_disagree:
        print("  note: the name/shape depthwise heuristic would misclassify %d tensor(s): %s"
              % (len(naive_disagree), ", ".join(naive_disagree)))

    os.makedirs(args.outdir, exist_ok=True)
    total_values = sum(int(w["values"].size) for w in selected)
    for scheme in schemes:
        final_dir = os.path.join(args.outdir, scheme)
        tmp_dir = tempfile.mkdtemp(prefix="." + scheme + ".tmp-", dir=args.outdir)
        try:
            entries = []
            zero_ch_total, zero_ch_tensors, n_zero_vals, n_clip127 = 0, 0, 0, 0
            tiny_total, tiny_tensors, qzero_total, qzero_tensors = 0, 0, 0, 0
            for w in selected:
                per_channel = scheme == "per-channel"
                q, scale = quantize(w["values"], w["reduce_axes"] if per_channel else None)
                assert q.dtype == np.int8 and list(q.shape) == w["shape"]
                save_npy(os.path.join(tmp_dir, w["file"]), q)
                ch_amax = np.max(np.abs(w["values"].astype(np.float64)),
                                 axis=w["reduce_axes"]).reshape(-1)
                # output channels that quantize to all zeros (only possible per tensor)
                qzero = int(np.count_nonzero(
                    np.max(np.abs(q.astype(np.int16)), axis=w["reduce_axes"]) == 0))
                qzero_total += qzero
                qzero_tensors += 1 if qzero else 0
                if per_channel:
                    scales = np.asarray(scale).reshape(-1)
                    zero_ch = int(np.count_nonzero(ch_amax == 0))
                    zero_ch_total += zero_ch
                    zero_ch_tensors += 1 if zero_ch else 0
                    # nonzero channels far below the rest of the tensor (dead after BN
                    # folding): per-channel scaling stretches their noise to +-127
                    tiny = int(np.count_nonzero((ch_amax > 0) &
                                                (ch_amax < TINY_REL * ch_amax.max())))
                    tiny_total += tiny
                    tiny_tensors += 1 if tiny else 0
                    scale_json = [float(s) for s in scales]
                else:
                    zero_ch = tiny = None
                    scales = np.asarray([scale])
                    scale_json = float(scale)
                nz = int(np.count_nonzero(q == 0))
                n_zero_vals += nz
                n_clip127 += int(np.count_nonzero(np.abs(q) == QMAX))
                entries.append({
                    "name": w["name"], "file": w["file"], "shape": w["shape"],
                    "role": w["role"], "ops": w["ops"],
                    "channel_axes": w["channel_axes"] if per_channel else None,
                    "values": int(q.size), "zeros": nz,
                    "min": int(q.min()), "max": int(q.max()),
                    "zero_channels": zero_ch, "tiny_channels": tiny,
                    "quantized_zero_channels": qzero, "scale": scale_json,
                    "source_dtype": w["dtype"], "source_quantization": w["quantization"],
                })
                if args.verbose:
                    print("    %-9s %-60s %-18s %-14s %-10s q[%4d,%4d] scale %.3g..%.3g%s"
                          % (scheme, w["name"][-60:], "x".join(map(str, w["shape"])), w["role"],
                             w["chan"] if per_channel else "tensor", q.min(), q.max(),
                             scales.min(), scales.max(),
                             ("  zero channels: %d" % zero_ch if zero_ch else "") +
                             ("  tiny channels: %d" % tiny if tiny else "") +
                             ("  channels quantized to 0: %d" % qzero if qzero else "")))
            with open(os.path.join(tmp_dir, "manifest.json"), "w") as f:
                json.dump({
                    "model": mname, "model_sha256": model_sha, "scheme": scheme,
                    "recipe": {"symmetric": True, "qmin": -QMAX, "qmax": QMAX,
                               "scale": "max|w|/127 (1 if max|w| == 0), float64",
                               "rounding": "round half away from zero",
                               "granularity": ("per output channel" if scheme == "per-channel"
                                               else "per tensor")},
                    "tensors": entries,
                }, f, indent=1)
                f.write("\n")
            replace_dir(tmp_dir, final_dir)
        except BaseException:
            shutil.rmtree(tmp_dir, ignore_errors=True)
            raise
        if scheme == "per-channel":
            extra = ("%d all-zero channel(s) in %d tensor(s); %d tiny channel(s) "
                     "(max|w| < %g x tensor max) in %d tensor(s)"
                     % (zero_ch_total, zero_ch_tensors, tiny_total, TINY_REL, tiny_tensors))
        else:
            extra = ("%d output channel(s) quantized to all zeros in %d tensor(s)"
                     % (qzero_total, qzero_tensors))
        print("  %-12s %d tensors, %d values (%.1f%% zeros, %d at +-127) -> %s"
              % (scheme + ":", len(selected), total_values,
                 100.0 * n_zero_vals / max(total_values, 1), n_clip127, final_dir))
        print("  %-12s %s" % ("", extra))
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except ModelError as e:
        sys.stderr.write("%s: error: %s\n" % (PROG, e))
        sys.exit(1)
    except KeyboardInterrupt:
        sys.exit(130)
    except BrokenPipeError:  # e.g. piped into `head`
        try:
            sys.stdout = open(os.devnull, "w")
        finally:
            sys.exit(1)
