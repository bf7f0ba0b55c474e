"""Built-in heartmind plugins, one subpackage each, registered through the ``heartmind``
entry-point group like any third-party plugin."""
