#!/usr/bin/env python3
"""Other learners on exactly the song statistics the mood models see (docs/EVALUATION.md,
"Other learners and inputs").

    moodplane-cli eval --audio …/4q-va/audio --labels …/4q-va/labels.csv --song-stats all \
        --dump-features all.csv
    python3 scripts/research/other_learners.py all.csv [experiment ...]

Needs python3-numpy, python3-scipy and python3-sklearn (Debian packages; research only, not
used by the build or the tests). 10-fold CV (sklearn KFold, shuffle, seed 0: not the same fold
assignment as moodplane-cli eval, so compare rows of this script with each other), features
standardised on the training folds, one model per target, quadrant macro-F1 from the sign of
(v̂ − 0.5, â − 0.5) against the dataset quadrant.
"""
import sys
import warnings

import numpy as np
import scipy.linalg as sla
import scipy.optimize as so
from sklearn.gaussian_process import GaussianProcessRegressor
from sklearn.gaussian_process.kernels import RBF, ConstantKernel, DotProduct, Matern, WhiteKernel
from sklearn.linear_model import RidgeCV
from sklearn.metrics import f1_score, r2_score
from sklearn.model_selection import KFold
from sklearn.preprocessing import QuantileTransformer, StandardScaler
from sklearn.svm import SVR

warnings.filterwarnings("ignore")
DEFAULT = ["mean", "std", "change", "change4", "rhythm"]  # the session-2 default model's 283-D input


def load(path):
    header = open(path).readline().strip().split(",")
    data = np.genfromtxt(path, delimiter=",", skip_header=1, dtype=float)
    return header[4:], data[:, 1].astype(int), data[:, 2:4], data[:, 4:]


def select(names, X, groups):
    idx = [i for i, n in enumerate(names) if n.split(":")[0] in groups]
    return [names[i] for i in idx], X[:, idx]


def quadrant(v, a):
    return np.where(v >= 0.5, np.where(a >= 0.5, 1, 4), np.where(a >= 0.5, 2, 3))


def cross_validate(X, Y, fit_predict, transform=None):
    P = np.zeros_like(Y)
    for tr, te in KFold(10, shuffle=True, random_state=0).split(X):
        a, b = X[tr], X[te]
        if transform is not None:
            t = transform().fit(a)
            a, b = t.transform(a), t.transform(b)
        s = StandardScaler().fit(a)
        P[te] = fit_predict(s.transform(a), Y[tr], s.transform(b))
    return P


def report(name, P, Y, Q):
    f1 = f1_score(Q, quadrant(P[:, 0], P[:, 1]), average="macro")
    print(f"{name:48s} R2 v {r2_score(Y[:, 0], P[:, 0]):.3f}  a {r2_score(Y[:, 1], P[:, 1]):.3f}  F1 {f1:.3f}",
          flush=True)


def per_target(make):
    def fit_predict(a, Y, b):
        return np.stack([make().fit(a, Y[:, j] - Y[:, j].mean()).predict(b) + Y[:, j].mean() for j in range(2)], 1)
    return fit_predict


class GroupLengthscaleGP:
    """SE GP whose log-lengthscale of column c is A[c] · w (w fitted by type-II ML with L-BFGS):
    A = ones → isotropic; A = [statistic one-hot | LLD-family one-hot] → product of a lengthscale
    per statistic and one per descriptor family."""

    def __init__(self, A):
        self.A = A

    @staticmethod
    def _sq(a, b):
        return np.maximum((a * a).sum(1)[:, None] + (b * b).sum(1)[None, :] - 2 * a @ b.T, 0)

    def _nll(self, th, D, y):
        inv2 = np.exp(-2 * (self.rows @ th[2:]))
        K = np.exp(2 * th[0]) * np.exp(-0.5 * np.tensordot(inv2, D, axes=(0, 0)))
        n = len(y)
        try:
            L = np.linalg.cholesky(K + (np.exp(2 * th[1]) + 1e-8) * np.eye(n))
        except np.linalg.LinAlgError:
            return 1e10, np.zeros_like(th)
        alpha = sla.cho_solve((L, True), y)
        W = sla.cho_solve((L, True), np.eye(n)) - np.outer(alpha, alpha)
        g = np.empty_like(th)
        g[0] = np.sum(W * K)
        g[1] = np.trace(W) * np.exp(2 * th[1])
        for p in range(len(th) - 2):
            coef = self.rows[:, p] * inv2
            g[2 + p] = 0.5 * np.sum(W * (K * np.tensordot(coef, D, axes=(0, 0))))
        return 0.5 * y @ alpha + np.log(np.diag(L)).sum() + 0.5 * n * np.log(2 * np.pi), g

    def fit(self, X, y):
        keys = {}
        for c in range(X.shape[1]):
            keys.setdefault(tuple(self.A[c]), []).append(c)
        self.cols = list(keys.values())
        self.rows = np.array([self.A[c[0]] for c in self.cols])
        D = np.stack([self._sq(X[:, c], X[:, c]) for c in self.cols])
        th0 = np.concatenate([[np.log(y.std()), np.log(0.5 * y.std())],
                              np.full(self.A.shape[1], np.log(np.sqrt(X.shape[1])) / self.A.sum(1).max())])
        self.th = so.minimize(self._nll, th0, args=(D, y), jac=True, method="L-BFGS-B",
                              options={"maxiter": 200}).x
        self.scale = np.exp(-(self.A @ self.th[2:]))
        self.X = X * self.scale
        K = np.exp(2 * self.th[0]) * np.exp(-0.5 * self._sq(self.X, self.X))
        self.L = np.linalg.cholesky(K + (np.exp(2 * self.th[1]) + 1e-8) * np.eye(len(y)))
        self.alpha = sla.cho_solve((self.L, True), y)
        return self

    def predict(self, X):
        return np.exp(2 * self.th[0]) * np.exp(-0.5 * self._sq(X * self.scale, self.X)) @ self.alpha


def family(lld):
    for prefix, fam in (("ddmfcc", "ddmfcc"), ("dmfcc", "dmfcc"), ("mfcc", "mfcc")):
        if lld.startswith(prefix):
            return fam
    if lld in ("chroma_peak", "chroma_centroid"):
        return "chroma position"
    if lld.startswith("chroma_"):
        return "chroma"
    if lld in ("key_clarity", "mode", "hcdf"):
        return "tonal"
    if lld in ("roughness", "irregularity", "zcr", "flux", "rms"):
        return lld
    return "spectral shape"


def main():
    names, Q, Y, X = load(sys.argv[1])
    wanted = set(sys.argv[2:])
    n283, X283 = select(names, X, DEFAULT)
    d = X283.shape[1]

    def run(key, label, fn):
        if not wanted or key in wanted:
            P = fn()
            report(label, P, Y, Q)
            return P

    def gp(kernel):
        return per_target(lambda: GaussianProcessRegressor(kernel))

    se = lambda: ConstantKernel(0.02) * RBF(np.sqrt(d)) + WhiteKernel(0.01)
    P_gp = run("gp", "exact GP, isotropic SE (the default model's learner)", lambda: cross_validate(X283, Y, gp(se())))
    run("linear", "exact GP, SE + linear", lambda: cross_validate(
        X283, Y, gp(ConstantKernel(0.02) * RBF(np.sqrt(d)) + ConstantKernel(1e-4) * DotProduct(1.0) + WhiteKernel(0.01))))
    run("matern", "exact GP, Matérn 5/2", lambda: cross_validate(
        X283, Y, gp(ConstantKernel(0.02) * Matern(np.sqrt(d), nu=2.5) + WhiteKernel(0.01))))
    run("quantile", "exact GP, SE, quantile → normal transform", lambda: cross_validate(
        X283, Y, gp(se()), lambda: QuantileTransformer(n_quantiles=200, output_distribution="normal")))

    def grouped():
        stats = sorted({n.split(":")[0] for n in n283})
        fams = sorted({family(n.split(":")[1]) for n in n283 if not n.startswith("rhythm")})
        A = np.zeros((d, len(stats) + len(fams)))
        for c, n in enumerate(n283):
            g, lld = n.split(":")
            A[c, stats.index(g)] = 1
            if g != "rhythm":
                A[c, len(stats) + fams.index(family(lld))] = 1
        return cross_validate(X283, Y, per_target(lambda: GroupLengthscaleGP(A)))
    run("grouped", "exact GP, lengthscale per statistic × LLD family", grouped)
    run("ridge", "ridge regression (RidgeCV)", lambda: cross_validate(
        X283, Y, per_target(lambda: RidgeCV(alphas=np.logspace(-1, 4, 30)))))
    P_svr = run("svr", "SVR, RBF, C = 1, ε = 0.05", lambda: cross_validate(
        X283, Y, per_target(lambda: SVR(C=1, epsilon=0.05, gamma="scale"))))
    nall = X.shape[1]
    P_all = run("all", "exact GP, isotropic SE, every statistic (773-D)", lambda: cross_validate(
        X, Y, gp(ConstantKernel(0.02) * RBF(np.sqrt(nall)) + WhiteKernel(0.01))))
    if any(n.startswith("harmony:") for n in names):
        _, Xh = select(names, X, DEFAULT + ["harmony"])
        dh = Xh.shape[1]
        run("harmony", "exact GP, isotropic SE, 283-D + harmony (328-D)", lambda: cross_validate(
            Xh, Y, gp(ConstantKernel(0.02) * RBF(np.sqrt(dh)) + WhiteKernel(0.01))))
    if P_gp is not None and P_svr is not None:
        report("mean of exact GP and SVR", (P_gp + P_svr) / 2, Y, Q)
    if P_gp is not None and P_all is not None:
        report("mean of exact GP 283-D and 773-D", (P_gp + P_all) / 2, Y, Q)
    if P_gp is not None:
        cm = np.zeros((4, 4), int)
        for q, p in zip(Q, quadrant(P_gp[:, 0], P_gp[:, 1])):
            cm[q - 1, p - 1] += 1
        print("exact GP confusion (rows = dataset quadrant 1..4, columns = predicted):")
        print(cm)


if __name__ == "__main__":
    main()
