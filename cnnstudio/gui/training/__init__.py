"""Training in the app: controller and worker thread, settings panel, live plots and results.

`install_training(window)` adds the Train menu and the Training dock to the main window and
returns the `TrainingController`, whose probe API (`add_probe`, `run_off_gui`) other panels use
to look at the model off the GUI thread. Nothing here imports torch at import time.
"""

from __future__ import annotations

from .controller import STATES, TrainingController, evaluating
from .install import TrainingView, install_training

__all__ = ["STATES", "TrainingController", "TrainingView", "evaluating", "install_training"]
