"""axe-core on every page a browser journey opens (bundled with axe-playwright-python: no download).

Each page of a watched browser is checked when it has loaded; serious and critical violations are collected and
the journey fails at its end (tests/conftest.py), naming the page, the rule and the elements."""

FAILURES = []
SERIOUS = {"serious", "critical"}


def check(page):
    from axe_playwright_python.sync_playwright import Axe

    url = page.url
    if not url.startswith("http") or url.endswith((".pdf", ".xlsx", ".docx", ".zip", ".json", ".csv")):
        return
    try:
        results = Axe().run(page)
    except Exception as error:  # noqa: BLE001
        # The page navigated away while axe ran, or a second load came before the first check ended: the next
        # load of that page is checked.
        if any(text in str(error) for text in ("context was destroyed", "navigat", "already running")):
            return
        raise
    for violation in results.response.get("violations", []):
        if violation.get("impact") in SERIOUS:
            targets = [" ".join(map(str, node.get("target", []))) for node in violation.get("nodes", [])][:5]
            FAILURES.append(f"{url}: {violation['id']} ({violation['impact']}) — {violation['help']}: {targets}")


def watch(page):
    page.on("load", lambda: check(page))
    return page


class WatchedBrowser:
    """The browser, with every page it opens checked by axe."""

    def __init__(self, browser):
        self._browser = browser

    def __getattr__(self, name):
        return getattr(self._browser, name)

    def new_page(self, **kwargs):
        return watch(self._browser.new_page(**kwargs))

    def new_context(self, **kwargs):
        context = self._browser.new_context(**kwargs)
        context.on("page", watch)
        return context
