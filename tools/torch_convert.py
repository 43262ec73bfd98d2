#!/usr/bin/env python3
"""Converts PyTorch MNIST networks to digitpad model files and back.

usage: tools/torch_convert.py [--mean M] [--std S] [--arch SPEC] IN.pth OUT.model
       tools/torch_convert.py --to-torch [--sequential] [--mean M] [--std S] IN.model OUT.pth

IN.pth is a state_dict as PyTorch MNIST scripts save it (torch.save(model.state_dict(), ...)),
or a checkpoint dict holding one under "state_dict" or "model_state_dict": convolutions and
linear layers named conv1, conv2, ..., fc1, fc2, ... as the common MNIST examples name them,
or an nn.Sequential of the same layers (keys 0.weight, 3.weight, ...), in the order they run.
ReLU follows every layer but the last; where the 2x2 max-pools go and whether convolutions
pad is worked out from the first linear layer's input size (or given with --arch, in
digitpad's notation, e.g. "conv32k3 relu pool conv64k3 relu pool dense128 relu dense10").

Such scripts feed the network (pixel - mean) / std with pixels in [0, 1], usually mean
0.1307 and std 0.3081 (the defaults). The digitpad model carries them, so it gives the same
answers on digitpad's inputs. --to-torch writes a state_dict that expects those normalised
inputs: a digitpad model trained on plain pixels gets the normalisation folded into its
first layer (exact when that layer does not pad; refused otherwise: pass --mean 0 --std 1
and feed plain pixels), and its temperature folded into the last layer. PyTorch flattens
(channel, row, column) where digitpad reads (row, column, channel): the first linear
layer's columns are reordered both ways.

Needs PyTorch (Debian: python3-torch, for /usr/bin/python3).
"""
import argparse
import os
import struct
import sys
import tempfile
import zlib

MAGIC = b"DGTPMODL"
VERSION = 1
CONV, RELU, POOL, FLATTEN, DENSE, DROPOUT, BATCHNORM = 1, 2, 3, 4, 5, 6, 7
NAMES = {CONV: "conv", RELU: "relu", POOL: "pool", FLATTEN: "flatten", DENSE: "dense", DROPOUT: "dropout",
         BATCHNORM: "bn"}


class ConvertError(Exception):
    """A file or network this tool cannot convert; the message says why."""


# ---- digitpad model files ------------------------------------------------------------

def read_model(path):
    """The architecture, parameters (a flat list of floats) and calibration of a model file."""
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as e:
        raise ConvertError(f"cannot read {path}: {e.strerror}")
    if len(data) < 28 or data[:8] != MAGIC:
        raise ConvertError(f"{path}: not a digitpad model file")
    if struct.unpack_from("<I", data, 8)[0] != VERSION:
        raise ConvertError(f"{path}: model format version {struct.unpack_from('<I', data, 8)[0]} is not supported")
    if data[-16:-12] != b"END " or struct.unpack_from("<I", data, len(data) - 4)[0] != zlib.crc32(data[:-16]):
        raise ConvertError(f"{path}: the model file is truncated or corrupted (checksum)")
    model = {"temperature": 1.0, "unsure": None, "meta": ""}
    pos = 12
    while pos < len(data) - 16:
        tag, n = data[pos:pos + 4], struct.unpack_from("<Q", data, pos + 4)[0]
        body = data[pos + 12:pos + 12 + n]
        if len(body) != n:
            raise ConvertError(f"{path}: section {tag!r} is truncated")
        if tag == b"ARCH":
            c, h, w, mean, std, count = struct.unpack_from("<IIIffI", body)
            layers = [struct.unpack_from("<IIIIf", body, 24 + 20 * i) for i in range(count)]
            model["arch"] = {"in": (c, h, w), "mean": mean, "std": std,
                             "layers": [{"type": t, "out": o, "k": k, "pad": p, "rate": r} for t, o, k, p, r in layers]}
        elif tag == b"PARM":
            count = struct.unpack_from("<Q", body)[0]
            model["params"] = list(struct.unpack_from(f"<{count}f", body, 8))
        elif tag == b"STAT":
            raise ConvertError(f"{path}: batch-normalisation layers are not converted")
        elif tag == b"CALB":
            model["temperature"], model["unsure"] = struct.unpack_from("<ff", body)
        elif tag == b"META":
            model["meta"] = body.decode("utf-8", "replace")
        pos += 12 + n
    if "arch" not in model or "params" not in model:
        raise ConvertError(f"{path}: no architecture or weights in the model file")
    return model


def section(tag, body):
    return tag + struct.pack("<Q", len(body)) + body


def write_model(path, arch, params, meta):
    """Saves like digitpad does: a temporary file beside it, fsync, rename, folder fsync."""
    layers = arch["layers"]
    body = struct.pack("<IIIffI", *arch["in"], arch["mean"], arch["std"], len(layers))
    for l in layers:
        body += struct.pack("<IIIIf", l["type"], l["out"], l["k"], l["pad"], l["rate"])
    data = MAGIC + struct.pack("<I", VERSION) + section(b"ARCH", body)
    data += section(b"PARM", struct.pack("<Q", len(params)) + struct.pack(f"<{len(params)}f", *params))
    data += section(b"META", meta.encode("utf-8"))
    data += section(b"END ", struct.pack("<I", zlib.crc32(data)))
    save_atomic(path, lambda f: f.write(data))


def save_atomic(path, write):
    folder = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=os.path.basename(path) + ".", suffix=".digitpad-tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as f:
            write(f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise
    dfd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(dfd)
    finally:
        os.close(dfd)


# ---- architectures ----------------------------------------------------------------------

def parse_arch(spec):
    """digitpad's layer list ("conv32k3p1 relu pool dense10") as layer dicts."""
    import re
    layers = []
    for tok in re.split(r"[\s,\-]+", spec.strip()):
        m = re.fullmatch(r"conv(\d+)k(\d+)(?:p(\d+))?", tok)
        if m:
            layers.append({"type": CONV, "out": int(m[1]), "k": int(m[2]), "pad": int(m[3] or 0), "rate": 0.0})
        elif tok in ("relu", "pool", "flatten"):
            layers.append({"type": {"relu": RELU, "pool": POOL, "flatten": FLATTEN}[tok], "out": 0, "k": 0, "pad": 0,
                           "rate": 0.0})
        elif re.fullmatch(r"dense\d+", tok):
            layers.append({"type": DENSE, "out": int(tok[5:]), "k": 0, "pad": 0, "rate": 0.0})
        elif re.fullmatch(r"dropout[0-9.]+", tok):
            layers.append({"type": DROPOUT, "out": 0, "k": 0, "pad": 0, "rate": float(tok[7:])})
        else:
            raise ConvertError(f"--arch: cannot read '{tok}' (convFkK[pP], relu, pool, flatten, denseN, dropoutR)")
    if not any(l["type"] == FLATTEN for l in layers):
        first_dense = next(i for i, l in enumerate(layers) if l["type"] == DENSE)
        layers.insert(first_dense, {"type": FLATTEN, "out": 0, "k": 0, "pad": 0, "rate": 0.0})
    return layers


def format_arch(layers):
    out = []
    for l in layers:
        t = l["type"]
        if t == CONV:
            out.append(f"conv{l['out']}k{l['k']}" + (f"p{l['pad']}" if l["pad"] else ""))
        elif t == DENSE:
            out.append(f"dense{l['out']}")
        elif t == DROPOUT:
            out.append(f"dropout{l['rate']:g}")
        else:
            out.append(NAMES[t])
    return " ".join(out)


def shapes(layers, h=28, w=28, c=1):
    """Each layer's output (channels, rows, columns) or (units,), or a ConvertError."""
    out = []
    for l in layers:
        t = l["type"]
        if t == CONV:
            h, w, c = h + 2 * l["pad"] - l["k"] + 1, w + 2 * l["pad"] - l["k"] + 1, l["out"]
        elif t == POOL:
            h, w = h // 2, w // 2
        elif t == FLATTEN:
            c, h, w = c * h * w, 1, 1
        elif t == DENSE:
            c, h, w = l["out"], 1, 1
        if h < 1 or w < 1:
            raise ConvertError(f"the network's images shrink to nothing at layer {len(out) + 1} ({format_arch(layers)})")
        out.append((c, h, w))
    return out


def infer_layers(weights):
    """digitpad's layer list for PyTorch weights [(kind, weight shape)]: ReLU after all but the
    last layer; pools and padding chosen so the first linear layer's input size comes out."""
    convs = [s for kind, s in weights if kind == "conv"]
    denses = [s for kind, s in weights if kind == "linear"]
    if not denses or any(kind == "conv" for kind, _ in weights[weights.index(("linear", denses[0])):]):
        raise ConvertError("expected convolutions, then linear layers")
    if denses[-1][0] != 10:
        raise ConvertError(f"the last layer has {denses[-1][0]} outputs, not 10 digits")
    want = denses[0][1]
    found = []
    n = len(convs)
    for pads in range(1 << n):
        for pools in range(1 << n):
            layers = []
            for i, s in enumerate(convs):
                k = s[2]
                layers.append({"type": CONV, "out": s[0], "k": k, "pad": k // 2 if pads >> i & 1 else 0, "rate": 0.0})
                layers.append({"type": RELU, "out": 0, "k": 0, "pad": 0, "rate": 0.0})
                if pools >> i & 1:
                    layers.append({"type": POOL, "out": 0, "k": 0, "pad": 0, "rate": 0.0})
            layers.append({"type": FLATTEN, "out": 0, "k": 0, "pad": 0, "rate": 0.0})
            for j, s in enumerate(denses):
                layers.append({"type": DENSE, "out": s[0], "k": 0, "pad": 0, "rate": 0.0})
                if j < len(denses) - 1:
                    layers.append({"type": RELU, "out": 0, "k": 0, "pad": 0, "rate": 0.0})
            try:
                if shapes(layers)[n * 2 + bin(pools).count("1")][0] == want:
                    found.append((bin(pads).count("1"), -bin(pools).count("1"), layers))
            except ConvertError:
                pass
    if not found:
        raise ConvertError(f"no placement of 2x2 max-pools and padding gives the first linear layer its {want} "
                           "inputs; give the layers with --arch")
    found.sort(key=lambda f: (f[0], f[1]))   # the least padding, then the most pooling
    return found[0][2]


# ---- PyTorch --------------------------------------------------------------------------

def torch_module():
    try:
        import torch
        return torch
    except ImportError:
        raise ConvertError("PyTorch is not installed (Debian: apt install python3-torch, then run this with "
                           "/usr/bin/python3)")


def load_state_dict(path):
    torch = torch_module()
    try:
        try:   # tensors only: a .pth from elsewhere must not run code when read
            obj = torch.load(path, map_location="cpu", weights_only=True)
        except TypeError:   # PyTorch before 1.13
            obj = torch.load(path, map_location="cpu")
    except Exception as e:   # torch raises many kinds for a bad file
        raise ConvertError(f"cannot read {path} as a PyTorch file: {str(e).splitlines()[0] if str(e) else type(e).__name__}")
    for key in ("state_dict", "model_state_dict", "model"):
        if isinstance(obj, dict) and isinstance(obj.get(key), dict):
            obj = obj[key]
    if hasattr(obj, "state_dict") and not isinstance(obj, dict):
        obj = obj.state_dict()
    if not isinstance(obj, dict) or not obj:
        raise ConvertError(f"{path}: not a state_dict (a dict of tensors)")
    return obj


def torch_weights(state):
    """[(kind, weight, bias)] in the order the layers run."""
    layers, seen = [], set()
    for key in state:
        if key.endswith(("running_mean", "running_var", "num_batches_tracked")):
            raise ConvertError(f"{key.rsplit('.', 1)[0]}: batch-normalisation layers are not converted")
    for key, value in state.items():
        base = key.rsplit(".", 1)[0] if "." in key else ""
        if not key.endswith(".weight") or base in seen:
            continue
        seen.add(base)
        bias = state.get(base + ".bias")
        if bias is None:
            raise ConvertError(f"{base}: a layer without a bias is not converted")
        if value.dim() == 4:
            if value.shape[2] != value.shape[3]:
                raise ConvertError(f"{base}: only square kernels are converted, not {tuple(value.shape[2:])}")
            layers.append(("conv", value.float(), bias.float()))
        elif value.dim() == 2:
            layers.append(("linear", value.float(), bias.float()))
        else:
            raise ConvertError(f"{key}: a {value.dim()}-dimensional weight is not a convolution or linear layer")
    if not layers:
        raise ConvertError("no convolution or linear weights in the state_dict")
    return layers


def to_digitpad(args):
    state = load_state_dict(args.input)
    weights = torch_weights(state)
    layers = parse_arch(args.arch) if args.arch else infer_layers([(k, tuple(w.shape)) for k, w, _ in weights])
    shape = shapes(layers)
    params, wi = [], 0
    prev = (1, 28, 28)
    for i, l in enumerate(layers):
        if l["type"] in (CONV, DENSE):
            if wi >= len(weights):
                raise ConvertError(f"--arch has more layers with weights than the state_dict ({len(weights)})")
            kind, w, b = weights[wi]
            wi += 1
            if l["type"] == CONV:
                if kind != "conv" or tuple(w.shape) != (l["out"], prev[0], l["k"], l["k"]):
                    raise ConvertError(f"layer {i + 1} ({format_arch([l])}) does not match weights {tuple(w.shape)}")
                w = w.permute(0, 2, 3, 1)   # (out, in, k, k) -> (out, k, k, in)
            else:
                flat = prev[0] * prev[1] * prev[2]
                if kind != "linear" or tuple(w.shape) != (l["out"], flat):
                    raise ConvertError(f"layer {i + 1} (dense{l['out']}) does not match weights {tuple(w.shape)}")
                if layers[i - 1]["type"] == FLATTEN and i >= 2:
                    c, h, ww = shape[i - 2]   # what was flattened: (channel, row, column) -> (row, column, channel)
                    w = w.reshape(l["out"], c, h, ww).permute(0, 2, 3, 1)
            params += w.reshape(-1).tolist() + b.reshape(-1).tolist()
        prev = shape[i]
    if wi != len(weights):
        raise ConvertError(f"the state_dict has {len(weights)} layers with weights, the architecture {wi}")
    arch = {"in": (1, 28, 28), "mean": args.mean, "std": args.std, "layers": layers}
    meta = (f"converted-by: tools/torch_convert.py\nfrom: {os.path.basename(args.input)}\n"
            f"arch: {format_arch(layers)}\ninput: (pixel - {args.mean:g}) / {args.std:g}\n")
    write_model(args.output, arch, params, meta)
    print(f"wrote {args.output}: {format_arch(layers)}, {len(params)} parameters, "
          f"inputs normalised with mean {args.mean:g} and std {args.std:g}")


def torch_sequential(layers):
    """An nn.Sequential running digitpad's layer list (also what --sequential names its keys after)."""
    torch = torch_module()
    nn = torch.nn
    mods, shape = [], (1, 28, 28)
    for l, out in zip(layers, shapes(layers)):
        t = l["type"]
        if t == CONV:
            mods.append(nn.Conv2d(shape[0], l["out"], l["k"], padding=l["pad"]))
        elif t == RELU:
            mods.append(nn.ReLU())
        elif t == POOL:
            mods.append(nn.MaxPool2d(2))
        elif t == FLATTEN:
            mods.append(nn.Flatten())
        elif t == DENSE:
            mods.append(nn.Linear(shape[0], l["out"]))
        elif t == DROPOUT:
            mods.append(nn.Dropout(l["rate"]))
        shape = out
    return nn.Sequential(*mods)


def to_torch(args):
    torch = torch_module()
    model = read_model(args.input)
    arch, flat = model["arch"], model["params"]
    layers = arch["layers"]
    if arch["in"] != (1, 28, 28):
        raise ConvertError(f"{args.input}: input shape {arch['in']} is not 1x28x28")
    if any(l["type"] == BATCHNORM for l in layers):
        raise ConvertError(f"{args.input}: batch-normalisation layers are not converted")
    shape = shapes(layers)
    # Our net sees (p - m0)/s0; the PyTorch script feeds (p - m)/s: x0 = a*x + c. The file
    # holds float32s: compare at that precision, so a converted model goes back unchanged.
    mean, std = (struct.unpack("<f", struct.pack("<f", v))[0] for v in (args.mean, args.std))
    a, c = std / arch["std"], (mean - arch["mean"]) / arch["std"]
    state, pos, counts, prev = {}, 0, {CONV: 0, DENSE: 0}, (1, 28, 28)
    seq_index = 0
    dense_total = sum(1 for l in layers if l["type"] == DENSE)
    for i, l in enumerate(layers):
        t = l["type"]
        if t in (CONV, DENSE):
            if t == CONV:
                n_w = l["out"] * l["k"] * l["k"] * prev[0]
                w = torch.tensor(flat[pos:pos + n_w]).reshape(l["out"], l["k"], l["k"], prev[0]).permute(0, 3, 1, 2)
            else:
                n_w = l["out"] * prev[0]
                w = torch.tensor(flat[pos:pos + n_w]).reshape(l["out"], prev[0])
                if i >= 2 and layers[i - 1]["type"] == FLATTEN:
                    ch, h, ww = shape[i - 2]
                    w = w.reshape(l["out"], h, ww, ch).permute(0, 3, 1, 2).reshape(l["out"], -1)
            b = torch.tensor(flat[pos + n_w:pos + n_w + l["out"]])
            pos += n_w + l["out"]
            first = counts[CONV] + counts[DENSE] == 0
            if first and (a != 1 or c != 0):
                if t == CONV and l["pad"] and c != 0:
                    raise ConvertError(f"{args.input}: its first layer pads, so inputs normalised with mean "
                                       f"{args.mean:g} cannot be folded into it exactly; use --mean {arch['mean']:g} "
                                       f"--std {arch['std']:g} (and feed the network those inputs)")
                b = b + c * w.reshape(l["out"], -1).sum(1)
                w = w * a
            counts[t] += 1
            if t == DENSE and counts[DENSE] == dense_total and model["temperature"] != 1:
                w, b = w / model["temperature"], b / model["temperature"]   # softmax(logits / T)
            name = str(seq_index) if args.sequential else f"{'conv' if t == CONV else 'fc'}{counts[t]}"
            state[name + ".weight"], state[name + ".bias"] = w.contiguous(), b.contiguous()
        seq_index += 1
        prev = shape[i]
    if pos != len(flat):
        raise ConvertError(f"{args.input}: {len(flat)} weights, the architecture needs {pos}")
    save_atomic(args.output, lambda f: torch.save(state, f))
    print(f"wrote {args.output}: {format_arch(layers)} as {'an nn.Sequential' if args.sequential else 'conv1.., fc1..'}"
          f" state_dict expecting inputs normalised with mean {args.mean:g} and std {args.std:g}")


def main(argv=None):
    p = argparse.ArgumentParser(prog="torch_convert.py", description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__.split("\n\n", 1)[1])
    p.add_argument("input")
    p.add_argument("output")
    p.add_argument("--to-torch", action="store_true", help="convert a digitpad model to a PyTorch state_dict")
    p.add_argument("--sequential", action="store_true", help="with --to-torch: keys of an nn.Sequential (0.weight, ...)")
    p.add_argument("--mean", type=float, default=0.1307, help="input normalisation mean (default 0.1307)")
    p.add_argument("--std", type=float, default=0.3081, help="input normalisation std (default 0.3081)")
    p.add_argument("--arch", help="the network's layers, digitpad notation (default: worked out from the weights)")
    args = p.parse_args(argv)
    if not args.std > 0:
        p.error("--std must be positive")
    try:
        (to_torch if args.to_torch else to_digitpad)(args)
    except ConvertError as e:
        print(f"torch_convert.py: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
