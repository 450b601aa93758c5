"""The training code that also runs outside cnnstudio: torch only, no cnnstudio import.

cnnstudio's :class:`~cnnstudio.engine.trainer.Trainer` imports these modules, and the
exported ``train.py`` (:mod:`cnnstudio.engine.train_script`) embeds their source
verbatim, so the app and the script train with one implementation: the same design, seed
and data give the same metrics both ways (``tests/engine/test_train_script.py`` checks
it).

Rules for the modules here, which the embedding relies on (and a test checks):

- import only the standard library, torch and each other (``from .x import ...``,
  dropped when embedding; :data:`MODULES` lists them in dependency order);
- every import must be one the script has too (``train_script`` checks it);
- stay within 88 columns and ruff-format clean at 88 and 100 (magic trailing commas
  wherever a construct is split), since the script is checked at both;
- no module-level names that clash with the script's own (``EPOCHS``, ``train``...).
"""

from __future__ import annotations

#: Module names in the order their bodies are embedded into ``train.py``.
MODULES: tuple[str, ...] = ("sharding", "preprocess", "augment", "optim", "loop")
