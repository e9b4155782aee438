import torch

from inferlab.core.bezier import bezier_points, paint_strokes, stroke_alphas


def test_rasteriser_gradient_matches_finite_differences():
    torch.manual_seed(0)
    params = (0.15 + 0.7 * torch.rand(2, 2, 6, dtype=torch.float64)).requires_grad_()
    canvas = 0.3 * torch.rand(2, 1, 10, 10, dtype=torch.float64)
    weights = torch.rand(2, 1, 10, 10, dtype=torch.float64)
    assert torch.autograd.gradcheck(lambda p: (paint_strokes(canvas, p, width=1.5, segments=5) * weights).sum(),
                                    (params,), eps=1e-6, atol=1e-5)


def test_a_straight_stroke_lights_its_row_only():
    params = torch.tensor([[[0.0, 0.5, 0.5, 0.5, 1.0, 0.5]]])  # y = 0.5 across the canvas
    alpha = stroke_alphas(params, 9, width=1.0, softness=0.1)[0, 0]
    assert alpha[4].min() > 0.99 and alpha[[0, 1, 2, 6, 7, 8]].max() < 1e-3


def test_curve_passes_its_end_points_and_bends_towards_the_control_point():
    pts = bezier_points(torch.tensor([0.0, 0.0, 0.5, 1.0, 1.0, 0.0]), 4)
    assert torch.allclose(pts[0], torch.zeros(2)) and torch.allclose(pts[-1], torch.tensor([1.0, 0.0]))
    assert torch.allclose(pts[2], torch.tensor([0.5, 0.5]))  # B(1/2) = (P0 + 2 P1 + P2) / 4


def test_painting_is_white_over_the_canvas_and_keeps_it_in_range():
    canvas = torch.full((1, 1, 8, 8), 0.5)
    out = paint_strokes(canvas, torch.rand(1, 3, 6))
    assert out.min() >= 0.5 - 1e-6 and out.max() <= 1.0
