"""What the studio's host answers besides the files: security headers, caching, content types, `config.json`.

Plain Python (no Pulumi, no AWS SDK): the `Studio` component (components/studio.py) turns these into a CloudFront
response headers policy and S3 object settings, and the local stack (`make dev`) serves the built site with the
very same headers, so what a browser is allowed to do locally is what it is allowed to do on AWS.

The studio and the API share one origin (CloudFront serves the API under `/api/*`), so the policy lets scripts
talk to `'self'` and, besides, only to Cognito (sign-in) and the media bucket (uploads with presigned URLs,
playback of previews and renders).
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit

ASSETS_PREFIX = "assets/"
"""Where Vite writes the hashed bundles (`assets/index-3f9a1c.js`): their names change with their content."""
INDEX = "index.html"
CONFIG = "config.json"
"""Written by the stack (never from the build): what the studio reads at start to find the API and Cognito."""
API_PATH = "/api"
"""Where the API lives on the studio's own origin (CloudFront's `/api/*` behaviour)."""

IMMUTABLE = "public, max-age=31536000, immutable"
"""A hashed asset: a new build gives a new name, so browsers and CloudFront keep each one a year."""
NO_CACHE = "no-cache"
"""Everything else (`index.html`, `config.json`): browsers ask again every time (a 304 when unchanged)."""

HSTS_MAX_AGE_SECONDS = 63072000
"""Two years: what the HSTS preload list asks for."""

CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".json": "application/json",
    ".map": "application/json",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".avif": "image/avif",
    ".ico": "image/x-icon",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
    ".ttf": "font/ttf",
    ".txt": "text/plain; charset=utf-8",
    ".webmanifest": "application/manifest+json",
    ".wasm": "application/wasm",
}
"""By extension, fixed here rather than read from the machine's MIME database: the same build uploads the same
objects from every machine (no diff on `pulumi preview`)."""
FALLBACK_CONTENT_TYPE = "application/octet-stream"


class SiteNotBuilt(FileNotFoundError):
    """The site directory holds no `index.html`: the studio has not been built."""


def origin(url: str) -> str:
    """`scheme://host[:port]` of a URL (a CSP source names origins, not paths)."""
    parts = urlsplit(url if "://" in url else f"https://{url}")
    return f"{parts.scheme}://{parts.netloc}"


def security_headers(*, cognito_endpoint: str, media_origin: str) -> dict[str, str]:
    """Exactly the headers the studio's host adds to every answer.

    `cognito_endpoint` is the Cognito user pools endpoint the studio signs in with
    (`https://cognito-idp.<region>.amazonaws.com/`); `media_origin` the media bucket's origin, the host of the
    API's presigned URLs (`https://<bucket>.s3.amazonaws.com`)."""
    cognito, media = origin(cognito_endpoint), origin(media_origin)
    policy = "; ".join(
        (
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self' data: blob:",
            f"media-src 'self' blob: {media}",
            f"connect-src 'self' {cognito} {media}",
            "frame-ancestors 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "object-src 'none'",
        )
    )
    return {
        "Content-Security-Policy": policy,
        "Strict-Transport-Security": f"max-age={HSTS_MAX_AGE_SECONDS}; includeSubDomains; preload",
        "X-Frame-Options": "DENY",
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "strict-origin-when-cross-origin",
    }


def cache_control(path: str) -> str:
    """`Cache-Control` of a site file by its key (`assets/app-abc123.js`, `/index.html`, `config.json`)."""
    key = path.lstrip("/")
    return IMMUTABLE if key.startswith(ASSETS_PREFIX) else NO_CACHE


def content_type(path: str) -> str:
    suffix = PurePosixPath(path).suffix.lower()
    return CONTENT_TYPES.get(suffix, FALLBACK_CONTENT_TYPE)


def cognito_endpoint(region: str) -> str:
    """The Cognito user pools endpoint of a region."""
    return f"https://cognito-idp.{region}.amazonaws.com/"


def config_document(
    *, region: str, user_pool_id: str, user_pool_client_id: str, cognito_endpoint: str
) -> dict[str, str]:
    """`config.json`: the API on the studio's own origin, and where to sign in."""
    return {
        "apiUrl": API_PATH,
        "region": region,
        "userPoolId": user_pool_id,
        "userPoolClientId": user_pool_client_id,
        "cognitoEndpoint": cognito_endpoint,
    }


def site_files(directory: str | Path) -> list[tuple[str, Path, str, str]]:
    """Every file of the built site as (key, path, content type, cache control), sorted by key.

    The path is `directory` joined with the key, as given (a relative directory gives relative paths, the same on
    every machine). A `config.json` in the build is left out: the stack writes its own. Raises `SiteNotBuilt` when
    there is no `index.html`."""
    root = Path(directory)
    if not (root / INDEX).is_file():
        raise SiteNotBuilt(
            f"no {INDEX} in {root}: build the studio first: make studio (it writes studio/dist), or turn the studio"
            " off (pulumi config set studio false)"
        )
    keys = sorted(
        path.relative_to(root).as_posix() for path in root.rglob("*") if path.is_file() and not path.is_symlink()
    )
    return [
        (key, root / key, content_type(key), cache_control(key))
        for key in keys
        if key != CONFIG and not any(part.startswith(".") for part in PurePosixPath(key).parts)
    ]
