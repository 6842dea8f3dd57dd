#!/usr/bin/python3
"""Independent decoding of the real photos, for the facts image_tests asserts.

PNG: own decoder (zlib + the five PNG row filters, 8-bit grey/RGB non-interlaced, which is what
the photos are), so the PNG facts do not come from libpng. JPEG: Pillow (python3-pil), which uses
libjpeg-turbo with the same defaults (islow DCT, fancy upsampling) - a different code path over
the same library, so a check of our glue, not of libjpeg. Prints per photo: width x height, the
sha256 of the RGB buffer (height x width x 3, row-major), the per-channel means, and a few pixels.

Usage: /usr/bin/python3 crosscheck_photos.py IMAGES_DIR [--inputs]
(--inputs: instead, reference posenet and emotion tensors from astronaut.png)
"""
import hashlib
import struct
import sys
import zlib

import numpy as np

PROBES = [(0, 0), (100, 200), (250, 300), (-1, -1)]  # (y, x); -1 = last row/column


def decode_png(path):
    data = open(path, "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, hdr = 8, b"", None
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos:pos + 4])
        kind = data[pos + 4:pos + 8]
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            hdr = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    w, h, depth, color, _, _, interlace = hdr
    assert depth == 8 and interlace == 0 and color in (0, 2), hdr
    bpp = 1 if color == 0 else 3
    raw = zlib.decompress(idat)
    stride = w * bpp
    out = np.zeros((h, stride), dtype=np.uint8)
    prev = np.zeros(stride, dtype=np.int32)
    for y in range(h):
        f = raw[y * (stride + 1)]
        line = np.frombuffer(raw, np.uint8, stride, y * (stride + 1) + 1).astype(np.int32)
        cur = np.zeros(stride, dtype=np.int32)
        for i in range(stride):
            a = cur[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if f == 0:
                p = 0
            elif f == 1:
                p = a
            elif f == 2:
                p = b
            elif f == 3:
                p = (a + b) // 2
            else:
                pa, pb, pc = abs(b - c), abs(a - c), abs(a + b - 2 * c)
                p = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
            cur[i] = (line[i] + p) & 255
        out[y] = cur
        prev = cur
    img = out.reshape(h, w, bpp)
    if bpp == 1:
        img = np.repeat(img, 3, axis=2)
    return img


def decode_jpeg(path):
    from PIL import Image

    return np.asarray(Image.open(path).convert("RGB"))


def main():
    d = sys.argv[1]
    for name in ["astronaut.png", "camera.png", "chelsea.png", "coffee.png", "rocket.jpg",
                 "grace_hopper.jpg"]:
        img = (decode_png if name.endswith(".png") else decode_jpeg)(d + "/" + name)
        h, w, _ = img.shape
        sha = hashlib.sha256(np.ascontiguousarray(img).tobytes()).hexdigest()
        means = img.reshape(-1, 3).mean(axis=0)
        print(f"{name}: {w}x{h} sha256 {sha}")
        print(f"  mean R G B = {means[0]:.4f} {means[1]:.4f} {means[2]:.4f}")
        for y, x in PROBES:
            yy, xx = (h - 1 if y < 0 else y), (w - 1 if x < 0 else x)
            print(f"  (y={yy}, x={xx}) = {tuple(int(v) for v in img[yy, xx])}")


if __name__ == "__main__" and len(sys.argv) == 2:
    main()


def resize_tfjs(img, out_h, out_w):
    """tf.image.resizeBilinear, alignCorners=false, halfPixelCenters=false, in float64."""
    in_h, in_w = img.shape[:2]
    ys = np.arange(out_h) * (in_h / out_h)
    xs = np.arange(out_w) * (in_w / out_w)
    y0 = np.floor(ys).astype(int)
    y1 = np.minimum(np.ceil(ys).astype(int), in_h - 1)
    x0 = np.floor(xs).astype(int)
    x1 = np.minimum(np.ceil(xs).astype(int), in_w - 1)
    fy = (ys - y0)[:, None, None]
    fx = (xs - x0)[None, :, None]
    f = img.astype(np.float64)
    top = f[y0][:, x0] + (f[y0][:, x1] - f[y0][:, x0]) * fx
    bottom = f[y1][:, x0] + (f[y1][:, x1] - f[y1][:, x0]) * fx
    return (top + (bottom - top) * fy).astype(np.float32)


def model_inputs(d):
    """Reference tensors for two presets, printed as sums and a few samples."""
    astro = decode_png(d + "/astronaut.png")
    pose = (resize_tfjs(astro, 385, 385).astype(np.float64) / 127.5 - 1).astype(np.float32)
    print(f"posenet(astronaut): sum {pose.astype(np.float64).sum():.4f}",
          f"[200,100,:] = {[float(v) for v in pose[200, 100]]}")
    face = resize_tfjs(astro[50:200, 150:300], 64, 64).astype(np.float64)
    grey = 0.2989 * face[..., 0] + 0.5870 * face[..., 1] + 0.1140 * face[..., 2]
    emo = ((grey / 255 - 0.5) * 2).astype(np.float32)
    print(f"emotion(astronaut face): sum {emo.astype(np.float64).sum():.4f}",
          f"[31,17] = {float(emo[31, 17])!r} [63,63] = {float(emo[63, 63])!r}")


if __name__ == "__main__" and len(sys.argv) > 2 and sys.argv[2] == "--inputs":
    model_inputs(sys.argv[1])
