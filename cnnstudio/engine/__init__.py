"""The torch side of cnnstudio: building modules, exporting, datasets and training."""
