import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # views/ and app.py are not an installed package
    sys.path.insert(0, str(ROOT))

import os  # noqa: E402
import tempfile  # noqa: E402

os.environ.setdefault("LLL_WARMUP", "0")  # no background compiling competing with the tests
# the class store (rooms/store.py) of every test process and of the browser tests' server: a throw-away folder, never
# the project's data/ (the workers share it: SQLite's WAL and busy timeout are what the store relies on anyway)
os.environ.setdefault("LLL_DATA_DIR", os.path.join(tempfile.gettempdir(), f"lll-test-data-{os.getppid()}"))

from lab.warmup import use_compilation_cache  # noqa: E402

# JAX's persistent compilation cache in every test process, in the app's own folder (.jax_cache/, gitignored; JAX's
# cache key holds the folder's path, so one fixed folder): both xdist workers and the Streamlit server of the browser
# tests load what another process compiled, and a second run of the suite compiles almost nothing.
use_compilation_cache()

import contextlib  # noqa: E402

import pytest  # noqa: E402


@pytest.fixture(autouse=True)
def no_live_drag_in_apptests(request, monkeypatch):
    """The AppTests check a page's wiring; the live drag's ladders (one compiled program per rule and surface) would
    make every sweep over surfaces compile again. It is tested on its own: tests/test_ladder.py, the browser tests
    (their server is another process, untouched by this) and AppTests marked ``live_drag``."""
    if request.node.get_closest_marker("live_drag") is None:
        monkeypatch.setattr("views.live_drag.ENABLED", False, raising=False)


@pytest.fixture(autouse=True)
def programs_kept(monkeypatch):
    """The suite builds hundreds of formulas: letting every compiled program go each 16 of them (surfaces.formula
    .KEEP, the server's memory bound) would make the next tests compile again and a test counting compiles count
    those. The bound is tested on its own (tests/test_formula.py), with its own KEEP."""
    monkeypatch.setattr("surfaces.formula.KEEP", 10**9)


class PresetFigures:
    """Each preset's figures as the export command draws them (lab.render.figures, normal theme), computed once
    per test process and handed to every test that checks them: the export command's, the links' and the pages'.
    The same objects each time (a pickled or copied Figure is not the same figure: plotly validates it again and
    resolves the template the builders leave by name), so a test reads them and never changes them. The tests that
    use them share an xdist group ("presets") so that one worker computes them once for the run (the browser test of
    a shared preset, in the browser group, draws that one preset again: a second)."""

    def __init__(self):
        from lab.render import figures  # the real one: for_the_export_command replaces it while it runs

        self._draw = figures
        self._figures: dict[str, dict] = {}

    def __call__(self, name: str) -> dict:
        if name not in self._figures:
            from lab.pages import PRESETS
            from viz import THEMES

            self._figures[name] = self._draw(PRESETS[name], THEMES["normal"])
        return self._figures[name]

    @contextlib.contextmanager
    def for_the_export_command(self):
        """lab.render.figures answering a library preset in the normal theme from here (anything else as
        before), so the export command renders the very figures the other tests check."""
        from lab import render
        from lab.pages import PRESETS
        from viz import THEMES

        def figures(preset, theme):
            if theme is THEMES["normal"] and PRESETS.get(preset.name) == preset:
                return self(preset.name)
            return self._draw(preset, theme)

        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(render, "figures", figures)
            yield


@pytest.fixture(scope="session")
def preset_figures() -> PresetFigures:
    """name -> {figure name: go.Figure} of that preset, once per process (see PresetFigures)."""
    return PresetFigures()


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium (Playwright) for every real-browser test of the process (tests/browser.py)."""
    from browser import chromium

    with chromium() as b:
        yield b


@pytest.fixture(scope="session")
def url(browser):  # after the browser: a missing Chromium skips before a server is started
    """The address of one `streamlit run app.py` for every real-browser test of the process; the tests that use it
    share the xdist group "browser", so the run starts one server and one Chromium."""
    from browser import streamlit_server

    with streamlit_server() as u:
        yield u


def pytest_collection_modifyitems(config, items):
    """--dist loadgroup: a test marked xdist_group("g") runs on the worker of the other tests of group g. xdist 3.8
    says so by appending "@g" to the test's node id (its scheduler reads the group from there) through
    `item._nodeid`, which pytest 9.2 no longer reads (the id lives in `item._id`): without this every marked test
    would be scheduled on its own. Here the id gets its suffix; a pytest whose ids are kept elsewhere again fails the
    collection loudly instead of spreading a group's tests silently."""
    first = [item for item in items if _groups(item) == ["programs"]]
    if first:  # the warm-up's own test primes the compile cache (when it is not): first, so that the others load
        items[:] = first + [item for item in items if item not in first]  # what it compiles instead of compiling it
    if not getattr(config.option, "loadgroup", False):  # set on the xdist workers only
        return
    from _pytest.nodeid import NodeId

    for item in items:
        names = _groups(item)
        if not names:
            continue
        suffix = "@" + "_".join(names)
        if not item.nodeid.endswith(suffix):
            item._id = NodeId.parse(item.nodeid + suffix)
        assert item.nodeid.endswith(suffix), f"xdist_group not applied to {item.nodeid}: see tests/conftest.py"


def _groups(item) -> list[str]:
    return sorted(
        {str(m.args[0] if m.args else m.kwargs.get("name", "default")) for m in item.iter_markers("xdist_group")}
    )


# -- the class store's databases (tests/test_store*.py, the browser test of two servers on one PostgreSQL) ---------
@pytest.fixture(scope="session")
def postgres_server():
    """The address of a PostgreSQL server the tests may create databases on (tests/postgres.py)."""
    import postgres

    with contextlib.ExitStack() as stack:
        try:
            url = stack.enter_context(postgres.server())
        except postgres.Unavailable as e:
            postgres.skip_or_fail(str(e))
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    """A fresh, empty database: a SQLite file, or a database with a random name on the server (dropped after)."""
    import postgres

    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'class.sqlite3'}"
    else:
        with postgres.database(request.getfixturevalue("postgres_server")) as url:
            yield url


@pytest.fixture
def store(database_url):
    """The class store on ``database_url``, closed after the test."""
    from rooms import open_store

    s = open_store(database_url)
    yield s
    s.close()
