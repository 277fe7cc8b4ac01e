"""A tiny built studio (what `make studio` writes to studio/dist), for the stack and component tests.

The stack tests never depend on a real build: a clean clone has no studio/dist, and the React app is built by
its own suite. This is the shape Vite gives: `index.html` and hashed bundles under `assets/`.
"""

from __future__ import annotations

from pathlib import Path

FILES = {
    "index.html": '<!doctype html><html><head><script type="module" src="/assets/app-abc123.js"></script></head>'
    '<body><div id="root"></div></body></html>\n',
    "assets/app-abc123.js": "console.log('studio');\n",
    "assets/app-def456.css": "body { margin: 0; }\n",
    "favicon.svg": '<svg xmlns="http://www.w3.org/2000/svg"/>\n',
}


def write_studio_site(directory: Path) -> Path:
    """Write the site into `directory` (created) and return it."""
    for key, text in FILES.items():
        path = directory / key
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return directory
