"""The interface's translations: Qt Linguist sources (``cnnstudio_<lang>.ts``).

The ``.ts`` files are the sources, kept in the repository and updated with ``make
translations`` (``pyside6-lupdate`` over ``cnnstudio/``). Their compiled ``.qm`` files are built,
not committed: by ``setup.py``'s ``build_py`` for wheels, by ``packaging/cnnstudio.spec`` for
the desktop bundle, and at run time into a cache folder for a source checkout
(`cnnstudio.gui.i18n`).
"""
