"""Pure speed-ups of the DRC networks and Langevin: the same values as the plain torch operations."""

import pytest
import torch
import torch.nn.functional as F

from inferlab.methods.drc.networks import BilinearUp2, bilinear_x2_matrix
from inferlab.methods.drc.train import frozen


def test_bilinear_x2_matrix_by_hand():
    # n = 2: outputs at source positions -0.25, 0.25, 0.75, 1.25, clamped at the ends
    expected = torch.tensor([[1.0, 0.0], [0.75, 0.25], [0.25, 0.75], [0.0, 1.0]])
    assert torch.equal(bilinear_x2_matrix(2), expected)


@pytest.mark.parametrize("n", [1, 4, 8, 16])
def test_bilinear_up2_matches_torch_upsample_values_and_gradients(n):
    x = torch.randn(3, 5, n, n, dtype=torch.float64, requires_grad=True)
    weights = torch.randn(3, 5, 2 * n, 2 * n, dtype=torch.float64)
    ours = BilinearUp2(n).double()(x)
    reference = F.interpolate(x, scale_factor=2, mode="bilinear", align_corners=False)
    torch.testing.assert_close(ours, reference)
    (grad_ours,) = torch.autograd.grad((ours * weights).sum(), x)
    (grad_reference,) = torch.autograd.grad((reference * weights).sum(), x)
    torch.testing.assert_close(grad_ours, grad_reference)


def test_bilinear_up2_is_not_in_the_state_dict():
    assert BilinearUp2(4).state_dict() == {}


def test_frozen_restores_each_flag_even_after_an_error():
    net = torch.nn.Sequential(torch.nn.Linear(2, 2), torch.nn.Linear(2, 1))
    net[1].bias.requires_grad_(False)
    with pytest.raises(RuntimeError):
        with frozen(net):
            assert not any(p.requires_grad for p in net.parameters())
            z = torch.randn(4, 2, requires_grad=True)
            (grad,) = torch.autograd.grad(net(z).sum(), z)  # gradients still reach the input
            assert grad.shape == z.shape
            raise RuntimeError("stop")
    assert [p.requires_grad for p in net.parameters()] == [True, True, True, False]
