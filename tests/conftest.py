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


def pytest_collection_modifyitems(config, items):
    """--dist loadgroup: a test marked xdist_group("g") runs on the worker of the other tests of group g. xdist 3.8
    says so by appending "@g" to the test's node id (its scheduler reads the group from there) through
    `item._nodeid`, which pytest 9.2 no longer reads (the id lives in `item._id`): without this every marked test
    would be scheduled on its own. Here the id gets its suffix; a pytest whose ids are kept elsewhere again fails the
    collection loudly instead of spreading a group's tests silently."""
    if not getattr(config.option, "loadgroup", False):  # set on the xdist workers only
        return
    from _pytest.nodeid import NodeId

    for item in items:
        names = sorted(
            {str(m.args[0] if m.args else m.kwargs.get("name", "default")) for m in item.iter_markers("xdist_group")}
        )
        if not names:
            continue
        suffix = "@" + "_".join(names)
        if not item.nodeid.endswith(suffix):
            item._id = NodeId.parse(item.nodeid + suffix)
        assert item.nodeid.endswith(suffix), f"xdist_group not applied to {item.nodeid}: see tests/conftest.py"
