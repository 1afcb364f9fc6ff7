"""``python -m docparse``: the same command line as the ``docparse`` console script."""

from docparse.cli import app

if __name__ == "__main__":
    app(prog_name="docparse")
