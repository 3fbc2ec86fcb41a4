"""numpy layers: im2col convolution against a direct loop, and gradients against finite differences."""
import numpy as np
import pytest

from accelsim.accuracy.network import (
    Conv2D,
    Dense,
    Pool,
    SGDMomentum,
    col2im,
    im2col,
    softmax_cross_entropy,
)


def _direct_conv(x, w, stride, pad):
    n, c, h, wd = x.shape
    k, _, r, s = w.shape
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    p, q = (h + 2 * pad - r) // stride + 1, (wd + 2 * pad - s) // stride + 1
    out = np.zeros((n, k, p, q))
    for i in range(p):
        for j in range(q):
            patch = xp[:, :, i * stride:i * stride + r, j * stride:j * stride + s]
            out[:, :, i, j] = np.einsum("ncrs,kcrs->nk", patch, w)
    return out


@pytest.mark.parametrize("stride,pad", [(1, 1), (2, 0), (2, 1)])
def test_conv_matches_direct_loop(stride, pad):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((2, 3, 7, 7)).astype(np.float32)
    w = rng.standard_normal((4, 3, 3, 3)).astype(np.float32)
    conv = Conv2D("c", w.reshape(4, -1), False, (3, 7, 7), (3, 3), stride, (pad, pad))
    assert np.allclose(conv.forward(x), _direct_conv(x, w, stride, pad), atol=1e-4)


def test_col2im_is_the_adjoint_of_im2col():
    rng = np.random.default_rng(1)
    x = rng.standard_normal((2, 3, 6, 6))
    cols = im2col(x, (3, 3), 2, (1, 1), 0.0)
    g = rng.standard_normal(cols.shape)
    assert np.sum(cols * g) == pytest.approx(np.sum(x * col2im(g, x.shape, (3, 3), 2, (1, 1))))


def _loss(layers, x, y):
    out = x
    for layer in layers:
        out = layer.forward(out)
    return softmax_cross_entropy(out.reshape(len(out), -1), y)[0]


def test_gradients_match_finite_differences():
    rng = np.random.default_rng(2)
    conv = Conv2D("c", rng.standard_normal((4, 9)) * 0.5, True, (1, 6, 6), (3, 3), 1, (1, 1))
    pool = Pool("p", (4, 6, 6), (2, 2), 2, (0, 0), "max")
    avg = Pool("a", (4, 3, 3), (3, 3), 1, (1, 1), "avg")
    fc = Dense("f", rng.standard_normal((5, 36)) * 0.3, False)
    layers = [conv, pool, avg, fc]
    for layer in layers:
        if hasattr(layer, "weight"):
            layer.weight = layer.weight.astype(np.float64)
            layer.bias = layer.bias.astype(np.float64)
    x = rng.standard_normal((3, 1, 6, 6))
    y = np.array([0, 3, 4])
    outs = [x]
    for layer in layers:
        outs.append(layer.forward(outs[-1]))
    _, grad = softmax_cross_entropy(outs[-1], y)
    err, grads = grad.astype(np.float64), {}
    for i in range(len(layers) - 1, -1, -1):
        dx, cols, dy_cols = layers[i].backward(err, outs[i + 1], need_dx=True)
        if cols is not None:
            grads[layers[i].name] = dy_cols.T @ cols
        err = dx
    eps = 1e-6
    for layer in (conv, fc):
        for idx in [(0, 0), (1, 4), (2, 7)]:
            old = layer.weight[idx]
            layer.weight[idx] = old + eps
            up = _loss(layers, x, y)
            layer.weight[idx] = old - eps
            down = _loss(layers, x, y)
            layer.weight[idx] = old
            assert grads[layer.name][idx] == pytest.approx((up - down) / (2 * eps), rel=1e-3,
                                                           abs=1e-6)
    # input gradient of the whole network
    xi = x.copy()
    xi[1, 0, 2, 3] += eps
    up = _loss(layers, xi, y)
    xi[1, 0, 2, 3] -= 2 * eps
    down = _loss(layers, xi, y)
    assert err[1, 0, 2, 3] == pytest.approx((up - down) / (2 * eps), rel=1e-3, abs=1e-7)


def test_softmax_cross_entropy_closed_form():
    loss, grad = softmax_cross_entropy(np.zeros((2, 4), np.float32), np.array([1, 2]))
    assert loss == pytest.approx(np.log(4))
    assert np.allclose(grad, [[0.125, -0.375, 0.125, 0.125], [0.125, 0.125, -0.375, 0.125]])


def test_sgd_momentum_closed_form():
    opt = SGDMomentum(lr=0.1, momentum=0.5)
    w = np.array([1.0], np.float32)
    same = lambda kind, a: a  # noqa: E731 (memory without errors, fp32)
    w = opt.step("w", w, np.array([1.0], np.float32), same)   # v = 1,   w = 0.9
    w = opt.step("w", w, np.array([1.0], np.float32), same)   # v = 1.5, w = 0.75
    assert w[0] == pytest.approx(0.75)
