

def mnist_split():
    """The playground's 10,000 MNIST digits (data/mnist/mnist10k.bin.gz; env MNIST10K overrides
    the path, relative to the working directory), pixels / 255 in [0, 1]; image r of the file is a
    test image iff r % 5 == 4 (2000 test, 8000 training images), as ours. The file is checked as
    ours checks it (magic, version, sizes, length, FNV-1a hash of the payload)."""
    path = os.environ.get("MNIST10K", "data/mnist/mnist10k.bin.gz")
    with gzip.open(path, "rb") as f:
        raw = f.read()
    magic, version, count, rows, cols, digest = struct.unpack_from("<8sIIIIQ", raw, 0)
    header, pixels = 32, rows * cols
    assert (magic, version, count, rows, cols) == (b"MNIST10K", 1, 10000, 28, 28), "not the MNIST10K file"
    assert len(raw) == header + count * (1 + pixels), "truncated MNIST10K file"
    h = 0xCBF29CE484222325
    for b in raw[header:]:
        h = ((h ^ b) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    assert h == digest, "MNIST10K payload does not match its hash"
    labels = np.frombuffer(raw, dtype=np.uint8, count=count, offset=header)
    levels = np.frombuffer(raw, dtype=np.uint8, count=count * pixels, offset=header + count)
    x = torch.tensor(levels.reshape(count, pixels) / 255.0, dtype=torch.float32)
    y = torch.tensor(labels.astype(np.int64))
    test = torch.arange(count) % 5 == 4
    return x[~test], y[~test], x[test], y[test]


X_TRAIN, Y_TRAIN, X_TEST, Y_TEST = mnist_split()


