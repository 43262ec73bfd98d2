#!/usr/bin/env python3
"""tools/torch_convert.py against PyTorch itself: networks made and trained in PyTorch, in
the shapes the common MNIST scripts use, converted to digitpad models must give the same
probabilities under `digitpad predict` as under PyTorch (to within 1e-5) on the same 28x28
MNIST test images; converted back they must be the same tensors; digitpad's own models
converted to PyTorch must agree too (normalisation and temperature folded in). Bad files
get one line and exit 1.

usage: test_torch.py DIGITPAD TORCH_CONVERT
Needs PyTorch (python3-torch; Debian installs it for /usr/bin/python3, which this test
re-runs itself with) and MNIST.
"""
import importlib.util
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from dptest import check, find_mnist, program, report, skip_or_fail  # noqa: E402

try:
    import torch
    import torch.nn as nn
    import torch.nn.functional as F
except ImportError:
    if sys.executable != "/usr/bin/python3" and os.path.exists("/usr/bin/python3") and \
            subprocess.run(["/usr/bin/python3", "-c", "import torch"], capture_output=True).returncode == 0:
        os.execv("/usr/bin/python3", ["/usr/bin/python3", *sys.argv])
    skip_or_fail("PyTorch is not installed (apt install python3-torch)")

DIGITPAD, CONVERT = program(sys.argv[1]), os.path.abspath(sys.argv[2])
MEAN, STD = 0.1307, 0.3081
N_IMAGES = 300

spec = importlib.util.spec_from_file_location("torch_convert", CONVERT)
tc = importlib.util.module_from_spec(spec)
spec.loader.exec_module(tc)


class SeedNet(nn.Module):
    """The seed network as MNIST examples write it: conv, relu, pool, twice, then two linear layers."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 32, 3)
        self.conv2 = nn.Conv2d(32, 64, 3)
        self.fc1 = nn.Linear(64 * 5 * 5, 128)
        self.fc2 = nn.Linear(128, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        return self.fc2(F.relu(self.fc1(torch.flatten(x, 1))))


class ExampleNet(nn.Module):
    """pytorch/examples' mnist/main.py: one pool, after the second convolution, and dropout."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 32, 3, 1)
        self.conv2 = nn.Conv2d(32, 64, 3, 1)
        self.dropout1 = nn.Dropout(0.25)
        self.dropout2 = nn.Dropout(0.5)
        self.fc1 = nn.Linear(9216, 128)
        self.fc2 = nn.Linear(128, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv2(F.relu(self.conv1(x)))), 2)
        x = F.relu(self.fc1(torch.flatten(self.dropout1(x), 1)))
        return F.log_softmax(self.fc2(self.dropout2(x)), dim=1)


def load_mnist(which, n):
    import gzip
    mnist = os.environ["DIGITPAD_MNIST"]

    def read(name, offset):
        path = os.path.join(mnist, name)
        opener = gzip.open if os.path.exists(path + ".gz") else open
        with opener(path + ".gz" if os.path.exists(path + ".gz") else path, "rb") as f:
            return f.read()[offset:]
    images = read(f"{which}-images-idx3-ubyte", 16)
    labels = read(f"{which}-labels-idx1-ubyte", 8)
    x = torch.frombuffer(bytearray(images[:n * 784]), dtype=torch.uint8).reshape(n, 1, 28, 28)
    return x, torch.tensor(list(labels[:n]))


def train_briefly(model, steps=150):
    """A little training, so the probabilities are those of a working network."""
    x, y = load_mnist("train", 4800)
    opt = torch.optim.Adam(model.parameters(), 1e-3)
    torch.manual_seed(1)
    model.train()
    for step in range(steps):
        i = torch.randint(0, len(y), (32,))
        loss = F.cross_entropy(model(((x[i].float() / 255) - MEAN) / STD), y[i])
        opt.zero_grad()
        loss.backward()
        opt.step()
    model.eval()


def write_pgms(tmp, images):
    paths = []
    for i, img in enumerate(images):
        path = os.path.join(tmp, f"img{i:04d}.pgm")
        with open(path, "wb") as f:
            f.write(b"P5\n28 28\n255\n" + bytes(img.reshape(-1).tolist()))
        paths.append(path)
    return paths


def digitpad_probs(model, pgms):
    p = subprocess.run([*DIGITPAD, "predict", "--model", model, *pgms], capture_output=True, text=True, timeout=300)
    check(p.returncode == 0, f"digitpad predict --model {os.path.basename(model)}: {p.stderr.strip()}")
    rows = [line.split("\t") for line in p.stdout.splitlines()]
    return torch.tensor([[float(v) for v in r[2].split()] for r in rows]) if len(rows) == len(pgms) else None


def torch_probs(model, images, normalise=True):
    with torch.no_grad():
        x = images.float() / 255
        out = model((x - MEAN) / STD if normalise else x)
        return torch.softmax(out, dim=1)


def convert(*args):
    p = subprocess.run([sys.executable, CONVERT, *args], capture_output=True, text=True, timeout=300)
    return p.returncode, p.stdout, p.stderr


def agree(what, ours, theirs):
    if ours is None:
        check(False, f"{what}: no probabilities from digitpad")
        return
    diff = (ours - theirs).abs().max().item()
    same_digit = (ours.argmax(1) == theirs.argmax(1)).float().mean().item()
    check(diff <= 1e-5, f"{what}: probabilities differ by {diff:.2e} (more than 1e-5)")
    spread = theirs.max(1).values.mean().item()
    print(f"{what}: max difference {diff:.2e} over {len(ours)} images, same digit for {100 * same_digit:.1f}%, "
          f"mean top probability {spread:.3f}")


def test(tmp):
    images, labels = load_mnist("t10k", N_IMAGES)
    pgms = write_pgms(tmp, images)
    torch.manual_seed(0)

    # 1. The seed network, trained a little in PyTorch, named conv1, conv2, fc1, fc2.
    seed = SeedNet()
    train_briefly(seed)
    pth, model = os.path.join(tmp, "seed.pth"), os.path.join(tmp, "seed.model")
    torch.save(seed.state_dict(), pth)
    rc, out, err = convert(pth, model)
    check(rc == 0 and "conv32k3 relu pool conv64k3 relu pool flatten dense128 relu dense10" in out,
          f"seed .pth -> model: {out!r} {err!r}")
    theirs = torch_probs(seed, images)
    agree("seed network (conv1.. fc2)", digitpad_probs(model, pgms), theirs)
    acc = (theirs.argmax(1) == labels).float().mean().item()
    check(acc > 0.8, f"the PyTorch network learned something: {acc:.3f}")

    # 2. Back to PyTorch: the very same tensors, in both namings.
    back = os.path.join(tmp, "back.pth")
    rc, out, err = convert("--to-torch", model, back)
    check(rc == 0, f"model -> .pth: {err!r}")
    if rc == 0:
        state = torch.load(back)
        ref = seed.state_dict()
        check(list(state) == list(ref) and all(torch.equal(state[k], ref[k]) for k in ref),
              "the round trip gives back the same tensors")
    rc, _, err = convert("--to-torch", "--sequential", model, back)
    check(rc == 0, f"model -> .pth (--sequential): {err!r}")
    if rc == 0:
        seq = tc.torch_sequential(tc.read_model(model)["arch"]["layers"])
        seq.load_state_dict(torch.load(back))
        seq.eval()
        check(torch.allclose(torch_probs(seq, images), theirs, atol=1e-6), "the nn.Sequential gives the same answers")

    # 3. pytorch/examples' network, saved inside a checkpoint dict.
    ex = ExampleNet()
    with torch.no_grad():
        ex.fc2.weight.mul_(8)   # untrained: make its answers less uniform
    ex.eval()
    pth, model = os.path.join(tmp, "example.pth"), os.path.join(tmp, "example.model")
    torch.save({"epoch": 3, "model_state_dict": ex.state_dict()}, pth)
    rc, out, err = convert(pth, model)
    check(rc == 0 and "conv32k3 relu conv64k3 relu pool flatten dense128" in out, f"example .pth: {out!r} {err!r}")
    agree("pytorch/examples mnist network", digitpad_probs(model, pgms), torch_probs(ex, images))

    # 4. An nn.Sequential of the seed layers (keys 0.weight, 3.weight, 7.weight, 9.weight).
    seq = nn.Sequential(nn.Conv2d(1, 32, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(32, 64, 3), nn.ReLU(),
                        nn.MaxPool2d(2), nn.Flatten(), nn.Linear(1600, 128), nn.ReLU(), nn.Linear(128, 10))
    seq.load_state_dict({k2: v for (k2, _), v in zip(seq.state_dict().items(), seed.state_dict().values())})
    seq.eval()
    pth, model = os.path.join(tmp, "seq.pth"), os.path.join(tmp, "seq.model")
    torch.save(seq.state_dict(), pth)
    rc, _, err = convert(pth, model)
    check(rc == 0, f"sequential .pth: {err!r}")
    agree("nn.Sequential seed network", digitpad_probs(model, pgms), torch_probs(seq, images))

    # 5. digitpad's own models in PyTorch. The shipped one pads, so the default normalisation
    # cannot be folded in: refused; with plain pixels (mean 0, std 1) it is exact, temperature included.
    shipped = os.path.join(HERE, "..", "assets", "digitpad.model")
    rc, _, err = convert("--to-torch", shipped, back)
    check(rc == 1 and "pads" in err and len(err.strip().splitlines()) == 1, f"padded first layer refused: {err!r}")
    rc, _, err = convert("--to-torch", "--sequential", "--mean", "0", "--std", "1", shipped, back)
    check(rc == 0, f"shipped model -> .pth with plain pixels: {err!r}")
    if rc == 0:
        net = tc.torch_sequential(tc.read_model(shipped)["arch"]["layers"])
        net.load_state_dict(torch.load(back))
        net.eval()
        agree("shipped model in PyTorch (plain pixels)", digitpad_probs(shipped, pgms),
              torch_probs(net, images, normalise=False))
    # A seed network trained by digitpad (no padding): the normalisation is folded into conv1.
    trained = os.path.join(tmp, "dp_seed.model")
    p = subprocess.run([*DIGITPAD, "train", "--limit", "2000", "--epochs", "1", "--quiet", "--slim", "--out", trained],
                       capture_output=True, text=True, timeout=300)
    check(p.returncode == 0, f"digitpad train: {p.stderr}")
    rc, _, err = convert("--to-torch", trained, back)
    check(rc == 0, f"digitpad seed -> .pth: {err!r}")
    if rc == 0:
        net = SeedNet()
        net.load_state_dict(torch.load(back))
        net.eval()
        agree("digitpad-trained seed network in PyTorch (normalised inputs)", digitpad_probs(trained, pgms),
              torch_probs(net, images))

    # 6. Bad inputs: one line, exit 1, nothing written.
    junk = os.path.join(tmp, "junk.pth")
    with open(junk, "wb") as f:
        f.write(os.urandom(3000))
    bn = os.path.join(tmp, "bn.pth")
    torch.save(nn.Sequential(nn.Conv2d(1, 8, 3), nn.BatchNorm2d(8), nn.Flatten(), nn.Linear(8 * 26 * 26, 10)).state_dict(), bn)
    odd = os.path.join(tmp, "odd.pth")
    torch.save({"fc1.weight": torch.zeros(128, 777), "fc1.bias": torch.zeros(128), "fc2.weight": torch.zeros(10, 128),
                "fc2.bias": torch.zeros(10)}, odd)
    not_model = os.path.join(tmp, "not.model")
    with open(not_model, "wb") as f:
        f.write(b"DGTPMODL" + bytes(100))
    for args, needle in (([junk, os.path.join(tmp, "o1.model")], "junk.pth"),
                         ([bn, os.path.join(tmp, "o2.model")], "batch-normalisation"),
                         ([odd, os.path.join(tmp, "o3.model")], "777"),
                         (["--to-torch", not_model, os.path.join(tmp, "o4.pth")], "not.model"),
                         ([os.path.join(tmp, "missing.pth"), os.path.join(tmp, "o5.model")], "missing.pth")):
        rc, _, err = convert(*args)
        lines = [l for l in err.splitlines() if l.strip()]
        check(rc == 1 and len(lines) == 1 and needle in err, f"{args[-2]}: exit {rc}, {lines}")
        check(not os.path.exists(args[-1]), f"nothing written for {args[-2]}")


def main():
    find_mnist()
    torch.set_num_threads(2)
    with tempfile.TemporaryDirectory() as tmp:
        test(tmp)
    return report("torch")


if __name__ == "__main__":
    sys.exit(main())
