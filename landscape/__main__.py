"""Entry point: python -m landscape train | surface | curvature | render | bench."""

import os
import sys


def _quiet_tensorflow_import() -> None:
    """Import TensorFlow with fd 2 pointed at /dev/null.

    TensorFlow's C++ start-up notices (oneDNN, absl) go straight to fd 2 before
    any Python logging setting applies; they would break the CLI's contract of
    exactly one line on stderr for bad input. Errors still surface: an import
    failure raises after stderr is restored.
    """
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    saved = os.dup(2)
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 2)
        import tensorflow  # noqa: F401
    finally:
        os.dup2(saved, 2)
        os.close(devnull)
        os.close(saved)


if __name__ == "__main__":
    _quiet_tensorflow_import()
    from landscape.cli import main

    sys.exit(main())
