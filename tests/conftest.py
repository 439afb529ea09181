import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # views/ and app.py are not an installed package
    sys.path.insert(0, str(ROOT))

import os  # noqa: E402

os.environ.setdefault("LLL_WARMUP", "0")  # no background compiling competing with the tests

from scenes.warmup import use_compilation_cache  # noqa: E402

# JAX's persistent compilation cache in every test process, in the app's own folder (.jax_cache/, gitignored; JAX's
# cache key holds the folder's path, so one fixed folder): both xdist workers and the Streamlit server of the browser
# tests load what another process compiled, and a second run of the suite compiles almost nothing.
use_compilation_cache()
