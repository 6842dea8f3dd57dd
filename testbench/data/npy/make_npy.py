#!/usr/bin/python3
# Regenerates the reference .npy files used by testbench/codec/test_npy.cpp. Run with a Python
# that has numpy 1.24 (Debian's /usr/bin/python3); the files are committed, so this is only needed
# to refresh them. Every array is deterministic.
import os
import numpy as np

here = os.path.dirname(os.path.abspath(__file__))
rng = np.random.default_rng(20240101)


def save(name, arr, **kw):
    np.save(os.path.join(here, name), arr, **kw)


def write(name, arr, version):
    with open(os.path.join(here, name), "wb") as f:
        np.lib.format.write_array(f, arr, version=version)


# Reproduced byte for byte by npy_header + npy_file.
save("i8_3x4.npy", rng.integers(-128, 128, size=(3, 4), dtype=np.int8))
save("u8_5.npy", rng.integers(0, 256, size=(5,), dtype=np.uint8))
save("i8_scalar.npy", np.array(-7, dtype=np.int8))
save("u8_scalar.npy", np.array(200, dtype=np.uint8))
save("i8_empty.npy", np.zeros((0,), dtype=np.int8))
save("u8_2x3x4x5.npy", rng.integers(0, 256, size=(2, 3, 4, 5), dtype=np.uint8))
save("i8_0x123456789012.npy", np.zeros((0, 123456789012), dtype=np.int8))
save("u8_4294967296x0x3.npy", np.zeros((4294967296, 0, 3), dtype=np.uint8))
save("i8_16dims.npy", np.full((1,) * 16, 5, dtype=np.int8))
# Header length that is already a multiple of 64 before padding: numpy pads a full 64 bytes.
save("u8_aligned.npy", np.zeros((0, 100000000000) + (1,) * 9, dtype=np.uint8))
save("i8_fortran_3x100.npy", np.asfortranarray(np.arange(300).astype(np.int8).reshape(3, 100)))

# Parsed, but their headers are not what np.save writes for format 1.0.
write("i8_v2_2x2.npy", np.array([[1, -2], [3, -4]], dtype=np.int8), (2, 0))
write("u8_v3_3.npy", np.array([1, 2, 3], dtype=np.uint8), (3, 0))

# Refused by require_codec_array.
save("f4_2.npy", np.array([1.5, -2.0], dtype=np.float32))
save("i2_be_2.npy", np.array([1, 2], dtype=">i2"))
save("b1_3.npy", np.array([True, False, True]))
save("obj_2.npy", np.array([1, "a"], dtype=object), allow_pickle=True)
save("structured_2.npy", np.zeros(2, dtype=[("a", "<i4"), ("b", "|u1")]))
