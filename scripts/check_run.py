#!/usr/bin/env python3
"""Recompute an RNN Explorer run file independently, in float64 NumPy.

    python3 scripts/check_run.py run.json [--samples N] [--quiet]

From the file's spec, parameters and batch alone, this re-implements the forward pass as written
in docs/run-format.md and checks the file's outputs, loss, trace, gradients (by central finite
differences on the truncated graph), per-step ||dL/dh_t|| and ||dL/dc_t||, recurrent Jacobian
norms and W_hh spectral radii. It shares no code with the explorer. Exit status 1 if any check
fails. --samples caps how many entries of each gradient are differenced (default 40).
"""
import argparse
import json
import sys

import numpy as np

GATES = {"rnn": ["a"], "lstm": ["i", "f", "g", "o"], "gru": ["r", "z", "n"]}
EPS = 1e-6


def sigmoid(a):
    return 1.0 / (1.0 + np.exp(-a))


def phi(name, a):
    return {"tanh": np.tanh, "relu": lambda v: np.maximum(v, 0.0), "sigmoid": sigmoid, "linear": lambda v: v}[name](a)


def sub(P, label):
    """The parameters of a direction's submodule, names without its prefix."""
    if "." not in label:
        return P
    module = label.split(".")[0] + "."
    return {k[len(module):]: v for k, v in P.items() if k.startswith(module)}


def directions(net):
    out = []
    for layer in range(net["layers"]):
        out.append((layer, False, f"l{layer}"))
        if net["bidirectional"]:
            out.append((layer, True, f"l{layer}_reverse"))
    return out


def step(net, P, sfx, x_proj, h, c, c_offset=None):
    """One cell step. x_proj = x_t W_ih^T + b_ih. Returns h, c, pre, gates. `sfx` may carry a
    submodule prefix (`decoder.l0`): parameters are named `decoder.weight_hh_l0`."""
    cell, H = net["cell"], net["hidden"]
    P = sub(P, sfx)
    sfx = sfx.split(".")[-1]
    hp = h @ P[f"weight_hh_{sfx}"].T + P[f"bias_hh_{sfx}"]
    if cell == "rnn":
        a = x_proj + hp
        return phi(net["activation"], a), None, {"a": a}, {}
    if cell == "lstm":
        a = x_proj + hp
        ai, af, ag, ao = (a[:, k * H:(k + 1) * H] for k in range(4))
        peep = P.get(f"peephole_{sfx}")
        if peep is not None:
            ai, af = ai + peep[0] * c, af + peep[1] * c
        i, f, g = sigmoid(ai), sigmoid(af), np.tanh(ag)
        c_new = f * c + i * g
        if c_offset is not None:
            c_new = c_new + c_offset
        if peep is not None:
            ao = ao + peep[2] * c_new
        o = sigmoid(ao)
        return o * np.tanh(c_new), c_new, {"i": ai, "f": af, "g": ag, "o": ao}, {"i": i, "f": f, "g": g, "o": o}
    xr, xz, xn = (x_proj[:, k * H:(k + 1) * H] for k in range(3))
    hr, hz, hn = (hp[:, k * H:(k + 1) * H] for k in range(3))
    r, z = sigmoid(xr + hr), sigmoid(xz + hz)
    an = xn + r * hn
    n = np.tanh(an)
    return (1 - z) * n + z * h, None, {"r": xr + hr, "z": xz + hz, "n": an}, {"r": r, "z": z, "n": n}


def forward(spec, P, x, frozen=None, h_offsets=None, c_offsets=None, module="", start=None, t0=0):
    """The whole network. frozen[(sfx, p)] replaces the (h, c) entering processing step p at a
    truncation-window start (the state that no gradient crosses). With `module`, its parameters
    are `module.name` and every label is `module.l0`…; `start` gives the initial (h, c) by label;
    offsets are keyed by (label, t0 + t). Returns y (None without a readout), the trace, the
    window-start states, and each label's input sequence."""
    net, k = spec["network"], spec["truncation"]
    T, B, _ = x.shape
    H = net["hidden"]
    M = sub(P, module + ".") if module else P
    layer_in = x
    trace, entering, inputs = {}, {}, {}
    for layer in range(net["layers"]):
        outs = []
        for (lay, rev, sfx) in directions(net):
            if lay != layer:
                continue
            label = f"{module}.{sfx}" if module else sfx
            inputs[label] = layer_in
            x_proj = layer_in @ M[f"weight_ih_{sfx}"].T + M[f"bias_ih_{sfx}"]
            h = np.tile(M[f"initial_h_{sfx}"], (B, 1)) if f"initial_h_{sfx}" in M else np.zeros((B, H))
            c = np.tile(M[f"initial_c_{sfx}"], (B, 1)) if f"initial_c_{sfx}" in M else np.zeros((B, H))
            if start is not None:
                h, c = start[label]
            rec = {"h": [None] * T, "c": [None] * T, "pre": [None] * T, "gates": [None] * T}
            for p in range(T):
                t = T - 1 - p if rev else p
                if k > 0 and p > 0 and p % k == 0:
                    entering[(sfx, p)] = (h, c)
                    if frozen is not None:
                        h, c = frozen[(sfx, p)]
                co = None if c_offsets is None else c_offsets.get((label, t0 + t))
                h, c_new, pre, gates = step(net, M, sfx, x_proj[t], h, c, co)
                if h_offsets is not None and (label, t0 + t) in h_offsets:
                    h = h + h_offsets[(label, t0 + t)]
                c = c_new if c_new is not None else c
                rec["h"][t], rec["c"][t], rec["pre"][t], rec["gates"][t] = h, c, pre, gates
            trace[label] = rec
            outs.append(np.stack(rec["h"]))
        layer_in = np.concatenate(outs, axis=2)
    top = [s for (l, r, s) in directions(net) if l == net["layers"] - 1]
    if "readout.weight" not in M:
        return None, trace, entering, inputs
    W, b = M["readout.weight"], M["readout.bias"]
    if net["readout"] == "step":
        y = layer_in @ W.T + b
    elif net["readout"] == "last":
        finals = [trace[f"{module}.{s}" if module else s]["h"][0 if s.endswith("_reverse") else T - 1] for s in top]
        y = (np.concatenate(finals, axis=1) @ W.T + b)[None]
    else:
        y = (layer_in.mean(axis=0) @ W.T + b)[None]
    return y, trace, entering, inputs


def sequence_forward(spec, P, run_batch, frozen=None, h_offsets=None, c_offsets=None):
    """Encoder–decoder (or decoder alone): the encoder's final states start the decoder, which runs
    one step at a time; where the recorded teacher mask is 0, its input is its own previous output
    (a one-hot of the argmax for tokens, the value itself otherwise), held at the recorded value
    when `frozen` is given (no gradient flows through the feedback)."""
    net, seq = spec["network"], spec["sequence"]
    dec_net = dict(net, bidirectional=False, readout="step")
    if seq["sourceSize"] > 0:
        dec_net["learnedInitialState"] = False
    dec_spec = dict(spec, network=dec_net, truncation=0)
    teacher = np.array(run_batch["decoderInput"], dtype=np.float64)
    coins = np.array(run_batch["teacherMask"], dtype=np.float64)
    t_out, B, I = teacher.shape
    O = net["outputSize"]
    trace, inputs, start = {}, {}, None
    if seq["sourceSize"] > 0:
        enc_spec = dict(dec_spec, network=dict(dec_net, inputSize=seq["sourceSize"], readout="last"))
        x = np.array(run_batch["x"], dtype=np.float64)
        _, enc_trace, _, enc_inputs = forward(enc_spec, P, x, None, h_offsets, c_offsets, module="encoder")
        trace.update(enc_trace)
        inputs.update(enc_inputs)
        start = {f"decoder.l{l}": (enc_trace[f"encoder.l{l}"]["h"][-1], enc_trace[f"encoder.l{l}"]["c"][-1])
                 for l in range(net["layers"])}
    ys, fed_values, dec_inputs = [], [], []
    for t in range(t_out):
        x_t = teacher[t].copy()
        if t > 0:
            if frozen is not None:
                fed = frozen[t]
            elif seq["feedback"] == "token":
                fed = np.eye(O)[ys[-1].argmax(axis=1)]
            else:
                fed = ys[-1]
            own = np.concatenate([teacher[t][:, :I - O], fed], axis=1)
            x_t = np.where(coins[t][:, None] == 1, teacher[t], own)
            fed_values.append(fed)
        else:
            fed_values.append(None)
        dec_inputs.append(x_t)
        y, tr, _, _ = forward(dec_spec, P, x_t[None], None, h_offsets, c_offsets, module="decoder", start=start, t0=t)
        ys.append(y[0])
        start = {k: (v["h"][0], v["c"][0]) for k, v in tr.items()}
        for k, v in tr.items():
            agg = trace.setdefault(k, {"h": [], "c": [], "pre": [], "gates": []})
            for field in agg:
                agg[field].append(v[field][0])
    for l in range(net["layers"]):
        inputs[f"decoder.l{l}"] = None  # filled below for layer 0; upper layers read the layer below
    inputs["decoder.l0"] = np.stack(dec_inputs)
    for l in range(1, net["layers"]):
        inputs[f"decoder.l{l}"] = np.stack(trace[f"decoder.l{l - 1}"]["h"])
    return np.stack(ys), trace, fed_values, inputs


def loss_of(spec, y, target, mask):
    m = np.ones(y.shape[:2]) if mask is None else mask
    if spec["loss"] == "mse":
        return float(np.sum(m * np.sum((y - target) ** 2, axis=2)) / (y.shape[2] * m.sum()))
    z = y - y.max(axis=2, keepdims=True)
    log_softmax = z - np.log(np.exp(z).sum(axis=2, keepdims=True))
    return float(-np.sum(m * np.sum(target * log_softmax, axis=2)) / m.sum())


class Checker:
    def __init__(self, quiet):
        self.failures, self.quiet = 0, quiet

    def compare(self, what, got, want, rtol, atol=1e-7):
        got, want = np.asarray(got, dtype=np.float64), np.asarray(want, dtype=np.float64)
        if got.shape != want.shape:
            print(f"FAIL {what}: shape {got.shape} vs {want.shape}")
            self.failures += 1
            return
        scale = np.max(np.abs(want)) if want.size else 0.0
        err = np.max(np.abs(got - want)) if want.size else 0.0
        ok = err <= rtol * scale + atol
        if not ok:
            self.failures += 1
        if not ok or not self.quiet:
            print(f"{'ok  ' if ok else 'FAIL'} {what}: max |diff| {err:.2e} (scale {scale:.2e}, tol {rtol:g})")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("run")
    ap.add_argument("--samples", type=int, default=40)
    ap.add_argument("--quiet", action="store_true")
    args = ap.parse_args()
    with open(args.run) as fh:
        run = json.load(fh)
    if run.get("format") != "rnn-explorer/run" or run.get("version") != 1:
        sys.exit("not an rnn-explorer/run version 1 file")
    spec, net = run["spec"], run["spec"]["network"]
    P = {name: np.array(v, dtype=np.float64) for name, v in run["parameters"].items()}
    target = np.array(run["batch"]["target"], dtype=np.float64)
    mask = np.array(run["batch"]["mask"], dtype=np.float64) if "mask" in run["batch"] else None
    sequence = spec.get("sequence")
    ck = Checker(args.quiet)

    # The model as a function of the parameters and of offsets on the states; `frozen` holds what
    # no gradient crosses (truncation-window starts, or the decoder's fed-back outputs).
    if sequence:
        def model(params, h_off=None, c_off=None, frozen=None):
            y, trace, fed, inputs = sequence_forward(spec, params, run["batch"], frozen, h_off, c_off)
            return y, trace, fed, inputs
        # Directions: (label, reverse) — unidirectional encoder and decoder layers.
        labels = ([(f"encoder.l{l}", False) for l in range(net["layers"])] if sequence["sourceSize"] else []) + \
            [(f"decoder.l{l}", False) for l in range(net["layers"])]
    else:
        x = np.array(run["batch"]["x"], dtype=np.float64)

        def model(params, h_off=None, c_off=None, frozen=None):
            return forward(spec, params, x, frozen, h_off, c_off)
        labels = [(sfx, rev) for (_, rev, sfx) in directions(net)]

    # Forward: outputs, loss, trace.
    y, trace, frozen, inputs = model(P)
    ck.compare("output y", run["forward"]["output"], y, 1e-4)
    loss = loss_of(spec, y, target, mask)
    ck.compare("loss", run["forward"]["loss"], loss, 1e-4)
    for label, rec in trace.items():
        ft = run["forward"]["trace"][label]
        ck.compare(f"trace {label} h", ft["h"], np.stack(rec["h"]), 1e-4)
        if net["cell"] == "lstm":
            ck.compare(f"trace {label} c", ft["c"], np.stack(rec["c"]), 1e-4)
        for g in GATES[net["cell"]]:
            ck.compare(f"trace {label} pre {g}", ft["pre"][g], np.stack([p[g] for p in rec["pre"]]), 1e-4)
            if net["cell"] != "rnn":
                ck.compare(f"trace {label} gate {g}", ft["gates"][g], np.stack([q[g] for q in rec["gates"]]), 1e-4)

    def L(params=P, h_off=None, c_off=None):
        yy = model(params, h_off, c_off, frozen)[0]
        return loss_of(spec, yy, target, mask)

    rng = np.random.default_rng(0)
    total = 0.0
    for name, value in P.items():
        g_file = np.array(run["gradients"][name], dtype=np.float64)
        total += float(np.sum(g_file ** 2))
        flat = value.reshape(-1)
        picks = np.arange(flat.size) if flat.size <= args.samples else rng.choice(flat.size, args.samples, replace=False)
        fd = []
        for i in picks:
            for sign in (1, -1):
                shifted = flat.copy()
                shifted[i] += sign * EPS
                Q = dict(P)
                Q[name] = shifted.reshape(value.shape)
                fd.append(L(Q))
        fd = (np.array(fd[0::2]) - np.array(fd[1::2])) / (2 * EPS)
        ck.compare(f"dL/d{name} ({len(picks)} entries)", g_file.reshape(-1)[picks], fd, 1e-3, 1e-6)
    ck.compare("gradNorm", run["gradNorm"], np.sqrt(total), 1e-5)

    H = net["hidden"]
    item = run["jacobianBatchItem"]
    for (label, rev) in labels:
        hs = trace[label]["h"]
        T, B = len(hs), hs[0].shape[0]
        # Per-step ||dL/dh_t|| and ||dL/dc_t||: finite differences of the loss in a state offset.
        for kind in (["h", "c"] if net["cell"] == "lstm" else ["h"]):
            norms = []
            for t in range(T):
                grad = np.zeros((B, H))
                for b in range(B):
                    for u in range(H):
                        off = np.zeros((B, H))
                        off[b, u] = EPS
                        plus = L(**{f"{kind}_off": {(label, t): off}})
                        minus = L(**{f"{kind}_off": {(label, t): -off}})
                        grad[b, u] = (plus - minus) / (2 * EPS)
                norms.append(np.linalg.norm(grad))
            key = "dL_dh" if kind == "h" else "dL_dc"
            ck.compare(f"||dL/d{kind}_t|| {label}", run["norms"][label][key], norms, 1e-3, 1e-6)
        ck.compare(f"||h_t|| {label}", run["norms"][label]["h"], [np.linalg.norm(h) for h in hs], 1e-4)

        # Recurrent Jacobian ∂h_t/∂h_{t−1} of one batch item, input and c_{t−1} fixed.
        M = sub(P, label)
        sfx = label.split(".")[-1]
        x_proj = inputs[label] @ M[f"weight_ih_{sfx}"].T + M[f"bias_ih_{sfx}"]
        # The state entering the first processed step: the encoder's context, a learned h0, or 0.
        if label.startswith("decoder.") and sequence["sourceSize"]:
            enc = trace[label.replace("decoder", "encoder")]
            h0, c0 = enc["h"][-1][item:item + 1], enc["c"][-1][item:item + 1]
        else:
            h0 = M.get(f"initial_h_{sfx}", np.zeros(H))[None]
            c0 = M.get(f"initial_c_{sfx}", np.zeros(H))[None]
        sigmas = []
        for t in range(T):
            prev = t + 1 if rev else t - 1
            valid = 0 <= prev < T
            h_prev = hs[prev][item:item + 1] if valid else h0
            c_prev = (trace[label]["c"][prev][item:item + 1] if valid else c0) if net["cell"] == "lstm" else None
            J = np.zeros((H, H))
            for j in range(H):
                e = np.zeros((1, H))
                e[0, j] = EPS
                hp, _, _, _ = step(net, P, label, x_proj[t, item:item + 1], h_prev + e, c_prev)
                hm, _, _, _ = step(net, P, label, x_proj[t, item:item + 1], h_prev - e, c_prev)
                J[:, j] = ((hp - hm) / (2 * EPS))[0]
            sigmas.append(np.linalg.svd(J, compute_uv=False)[0])
        ck.compare(f"||∂h_t/∂h_t-1|| {label}", run["norms"][label]["jacobian"], sigmas, 2e-3, 1e-6)
        W = M[f"weight_hh_{sfx}"]
        for gi, gate in enumerate(GATES[net["cell"]]):
            radius = np.max(np.abs(np.linalg.eigvals(W[gi * H:(gi + 1) * H])))
            ck.compare(f"spectral radius {label} {gate}", run["norms"][label]["spectralRadius"][gate], radius, 1e-4)

    print(f"{'FAILED' if ck.failures else 'passed'}: {ck.failures} check(s) failed")
    sys.exit(1 if ck.failures else 0)


if __name__ == "__main__":
    main()
