import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # views/ and app.py are not an installed package
    sys.path.insert(0, str(ROOT))

import os  # noqa: E402

os.environ.setdefault("LLL_WARMUP", "0")  # no background compiling competing with the tests
