"""Data files shipped with cnnstudio (mapped to the package ``cnnstudio.resources``)."""
