"""Refresh the GraphiQL files kept in ``web/static/vendor/`` from the npm registry.

Run from the repository root: ``.venv/bin/python -m web.refresh_graphiql``. It asks ``npm pack``
for each package at the pinned version below (npm checks the tarball against the registry's
integrity hash), copies the browser builds and each package's licence into the vendor folder,
removes files no longer listed, and writes ``manifest.json`` (package, version, npm integrity,
SHA-256 of every copied file), which a test checks against the files.

To move to a new version, change it here, run the script, load /graphql in a browser (or run
tests/api/test_graphiql.py) and commit the folder. The builds are UMD files that define globals
(``React``, ``ReactDOM``, ``GraphiQL``, ``GraphiQLPluginExplorer``), loaded by plain script tags
with no bundler: GraphiQL 4 is the last line that ships one (5 is ES modules only), React 18 the
last React. The versions are the ones strawberry's page loaded, so users see the same GraphiQL.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import tarfile
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

VENDOR = Path(__file__).parent / "static" / "vendor"
MANIFEST = "manifest.json"


@dataclass(frozen=True)
class Package:
    name: str
    version: str
    # Path inside the tarball (below ``package/``) -> name in the vendor folder.
    files: dict[str, str] = field(default_factory=dict)
    # Where the licence comes from when the tarball has none: the package that shares its
    # repository (and so its licence).
    licence_from: str | None = None


PACKAGES = [
    Package("react", "18.2.0", {"umd/react.production.min.js": "react.production.min.js"}),
    Package("react-dom", "18.2.0", {"umd/react-dom.production.min.js": "react-dom.production.min.js"}),
    Package("graphiql", "3.8.3", {"graphiql.min.js": "graphiql.min.js", "graphiql.min.css": "graphiql.min.css"}),
    Package(
        "@graphiql/plugin-explorer",
        "1.0.2",
        {"dist/index.umd.js": "graphiql-plugin-explorer.umd.js", "dist/style.css": "graphiql-plugin-explorer.css"},
        licence_from="graphiql",
    ),
    # Bundled inside the explorer plugin's UMD file; packed only for its licence.
    Package("graphiql-explorer", "0.9.0"),
]


def licence_name(package: str) -> str:
    return package.replace("@", "").replace("/", "-") + ".LICENSE.txt"


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def pack(package: Package, folder: Path) -> tuple[Path, str]:
    """The tarball ``npm pack`` fetched for the package, and its integrity hash."""
    result = subprocess.run(
        ["npm", "pack", f"{package.name}@{package.version}", "--json", "--pack-destination", str(folder)],
        check=True,
        capture_output=True,
        text=True,
    )
    (info,) = json.loads(result.stdout)
    return folder / info["filename"], info["integrity"]


def extract(tarball: Path, member: str, target: Path) -> None:
    with tarfile.open(tarball) as archive:
        source = archive.extractfile(f"package/{member}")
        if source is None:
            raise SystemExit(f"{tarball.name}: package/{member} is not a file")
        target.write_bytes(source.read())


def refresh(vendor: Path = VENDOR) -> dict[str, Any]:
    vendor.mkdir(parents=True, exist_ok=True)
    kept: set[str] = {MANIFEST}
    entries = []
    with tempfile.TemporaryDirectory(prefix="leadbox-graphiql-") as scratch:
        for package in PACKAGES:
            tarball, integrity = pack(package, Path(scratch))
            copied = dict(package.files)
            with tarfile.open(tarball) as archive:
                has_licence = "package/LICENSE" in archive.getnames()
            if has_licence:
                copied["LICENSE"] = licence_name(package.name)
            elif package.licence_from is None:
                raise SystemExit(f"{package.name}@{package.version} ships no LICENSE and has no licence_from")
            for member, name in copied.items():
                extract(tarball, member, vendor / name)
                kept.add(name)
            entries.append(
                {
                    "package": package.name,
                    "version": package.version,
                    "integrity": integrity,
                    "licence": licence_name(package.name if has_licence else str(package.licence_from)),
                    "files": {name: sha256(vendor / name) for name in copied.values()},
                }
            )
    for stale in vendor.iterdir():
        if stale.name not in kept:
            stale.unlink()
    manifest: dict[str, Any] = {"refreshed_by": "python -m web.refresh_graphiql", "packages": entries}
    (vendor / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n")
    return manifest


def main() -> None:
    manifest = refresh()
    for entry in manifest["packages"]:
        print(f"{entry['package']}@{entry['version']}: {', '.join(entry['files'])}", file=sys.stderr)


if __name__ == "__main__":
    main()
