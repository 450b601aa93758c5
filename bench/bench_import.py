"""Benchmark: importing torchvision's ResNet-50 (trace + map onto a design) vs torchinfo.summary.

Goal (issue 15): the import takes well under the time torchinfo.summary takes on the same
model (a ratio, both timed in this process on the same built model). The import is timed
without the model's construction (torchinfo gets a built model too) and without the
verification, which is reported on its own (it runs two real forwards by design). It also
times the torch.export path, the fallback for models torch.fx cannot trace.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def _median_s(fn, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> int:
    import torch
    import torchvision

    from cnnstudio.engine.importer.graph import _via_export, example_input, module_to_design
    from cnnstudio.engine.importer.sources import build
    from cnnstudio.engine.importer.verify import verify

    torch.set_num_threads(1)
    built = build("torchvision:resnet50")
    model = built.model.eval()
    shape = (3, 224, 224)
    example = example_input(shape)
    module_to_design(model, example, built.calls, "resnet50")  # warm-up (first trace, imports)
    ours = _median_s(lambda: module_to_design(model, example, built.calls, "resnet50"), 5)
    mapped = module_to_design(model, example, built.calls, "resnet50")
    # The fallback for models fx cannot trace: non-decomposed torch.export, then its graph
    # mapped. Measured here so that the order (fx first) rests on numbers.
    exported, why = _via_export(model, example, "resnet50")  # warm-up (dynamo's first use)
    assert exported is not None, why
    via_export = _median_s(lambda: _via_export(model, example, "resnet50"), 3)
    print(
        f"torch.fx path {ours * 1000:.0f} ms, torch.export path {via_export * 1000:.0f} ms "
        f"median ({via_export / ours:.0f}x): fx first, export where fx cannot trace"
    )
    start = time.perf_counter()
    check = verify(mapped.design, mapped.state_dict, model, shape)
    verify_s = time.perf_counter() - start
    print(f"import of resnet50 ({len(mapped.design)} layers): {ours * 1000:.0f} ms median")
    print(f"  verification (rebuild, load weights, 2 forwards): {verify_s:.2f} s, {check.message}")
    try:
        import torchinfo
    except ImportError as exc:
        print(f"  torchinfo comparison skipped: {exc}")
        return 0
    reference = torchvision.models.resnet50(weights=None).eval()
    torchinfo.summary(reference, input_size=(1, *shape), verbose=0)  # warm-up
    theirs = _median_s(lambda: torchinfo.summary(reference, input_size=(1, *shape), verbose=0), 5)
    ratio = theirs / ours
    print(f"  torchinfo.summary: {theirs * 1000:.0f} ms median")
    print(f"  ratio torchinfo / import: {ratio:.1f}x -> {'met' if ratio > 1.5 else 'MISSED'}")
    return 0 if ratio > 1.5 and check.ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
