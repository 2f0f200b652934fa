"""Path helpers: the repository root and the relative names generated banners use."""
import os

GENERATOR_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # codegen/
REPO_ROOT = os.path.dirname(GENERATOR_DIR)
GENERATOR_NAME = "codegen/tessera-gen.py"


def banner_name(path):
    """`path` relative to the repository if it is inside it, else its base name.

    Generated files must not depend on where the checkout or the build lives.
    """
    real = os.path.realpath(path)
    root = os.path.realpath(REPO_ROOT)
    if real == root or real.startswith(root + os.sep):
        return os.path.relpath(real, root).replace(os.sep, "/")
    return os.path.basename(real)


def generator_inputs():
    """Every file of the generator: abi.yaml, its .py modules and templates, sorted, absolute."""
    out = [os.path.join(GENERATOR_DIR, "abi.yaml")]
    for sub in ("", "tessera_codegen", "templates"):
        d = os.path.join(GENERATOR_DIR, sub)
        for name in sorted(os.listdir(d)):
            p = os.path.join(d, name)
            if os.path.isfile(p) and (name.endswith(".py") or sub == "templates"):
                out.append(p)
    return out
