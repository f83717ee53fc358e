"""The confidence's random draws: a seeded generator simple enough to reproduce bit for bit in a browser.

The generator is *mulberry32* (a 32-bit counter-based generator by Tommy Ettinger, widely used in JavaScript):
integer arithmetic modulo 2**32 only, so Python and JavaScript (``Math.imul``, ``>>>``) give the same sequence,
and every draw is a uniform number in [0, 1) with 32 bits. The draws use only additions and multiplications of
those numbers (no logarithms, no cosines, whose last bits differ between maths libraries), so a browser that
follows :func:`stays_on_top`'s order of operations gets the same confidence exactly.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

_MASK = 0xFFFFFFFF


def mulberry32(seed: int) -> Iterator[float]:
    """Uniform numbers in [0, 1) from ``seed`` (taken modulo 2**32).

    The same sequence as this JavaScript::

        function mulberry32(a) { return function () {
          a = (a + 0x6D2B79F5) | 0;
          let t = Math.imul(a ^ (a >>> 15), 1 | a);
          t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
          return ((t ^ (t >>> 14)) >>> 0) / 4294967296; }; }

    Examples:
        >>> draws = mulberry32(0)
        >>> [round(next(draws), 6) for _ in range(3)]
        [0.266429, 0.00033, 0.223272]
    """
    a = seed & _MASK
    while True:
        a = (a + 0x6D2B79F5) & _MASK
        t = ((a ^ (a >> 15)) * (1 | a)) & _MASK
        t = ((t + (((t ^ (t >> 7)) * (61 | t)) & _MASK)) & _MASK) ^ t
        yield ((t ^ (t >> 14)) & _MASK) / 4294967296.0


def stays_on_top(*, weights: Sequence[float], fit_weight: float, intervals: Sequence[Sequence[tuple[float, float]]],
                 fit: Sequence[float], top: int, n_draws: int, weight_noise: float, seed: int) -> int:
    """How many of ``n_draws`` perturbed draws keep option ``top`` strictly above every other option given.

    Each draw, in this order:

    1. one factor per criterion weight, then one for the fit weight: ``1 + weight_noise * (2 * u - 1)``
       (uniform within ``1 ± weight_noise``);
    2. for each option in the order given, for each criterion in order, a score ``low + (high - low) * u``
       (uniform within the criterion's uncertainty interval, normalised units);
    3. each option's total ``sum_c (w_c * f_c) * s_c`` summed left to right over the criteria, then
       ``+ (fit_weight * f_fit) * fit``; the draw counts when the total of ``top`` is greater than every other.

    ``u`` is the next number of :func:`mulberry32` (``seed``), one generator for all the draws.

    Parameters:
        weights: the criteria's weights; ``fit_weight``: the fit term's.
        intervals: per option, per criterion, ``(low, high)``.
        fit: per option, its fit.
        top: the index (into ``intervals``) of the option whose lead is tested.
        n_draws: number of draws; ``weight_noise``: half-width of the weight factors; ``seed``: the generator's.
    """
    u = mulberry32(seed)
    kept = 0
    n_crit = len(weights)
    for _ in range(n_draws):
        w = [weights[c] * (1.0 + weight_noise * (2.0 * next(u) - 1.0)) for c in range(n_crit)]
        wf = fit_weight * (1.0 + weight_noise * (2.0 * next(u) - 1.0))
        totals = []
        for i, per_crit in enumerate(intervals):
            total = 0.0
            for c in range(n_crit):
                low, high = per_crit[c]
                total += w[c] * (low + (high - low) * next(u))
            total += wf * fit[i]
            totals.append(total)
        if all(totals[top] > t for i, t in enumerate(totals) if i != top):
            kept += 1
    return kept
