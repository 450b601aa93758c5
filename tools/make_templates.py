"""Write the torchvision templates (resources/template-*.cnn.json) with the importer.

Run at development time after a catalog change: ``python tools/make_templates.py``. The core
loads the JSON files without torch; tests check their counts against torchvision's.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cnnstudio.core.fileio import save_design  # noqa: E402
from cnnstudio.engine.importer import import_model  # noqa: E402

# template name -> (torchvision builder, display name)
TORCHVISION_TEMPLATES = {
    "vgg19": ("vgg19", "VGG-19"),
    "googlenet": ("googlenet", "GoogLeNet"),
    "mobilenet-v2": ("mobilenet_v2", "MobileNet V2"),
    "mobilenet-v3-small": ("mobilenet_v3_small", "MobileNet V3 Small"),
    "mobilenet-v3-large": ("mobilenet_v3_large", "MobileNet V3 Large"),
    "efficientnet-b0": ("efficientnet_b0", "EfficientNet-B0"),
}


def main() -> None:
    for name, (builder, title) in TORCHVISION_TEMPLATES.items():
        result = import_model(f"torchvision:{builder}", input_shape=(3, 224, 224), check=False)
        assert result.native_share == 1.0, builder
        result.design.name = title
        path = ROOT / "resources" / f"template-{name}.cnn.json"
        save_design(result.design, path, backup=False)
        print(f"{path.name}: {result.design_params:,} parameters, {len(result.design)} layers")


if __name__ == "__main__":
    main()
