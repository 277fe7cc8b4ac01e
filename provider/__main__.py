"""The NullCheck component provider: `pulumi package add` runs this to serve the components to any language.

The plugin is the repository's `provider/` directory; the components and the handlers they deploy sit one
level up (Pulumi installs the whole repository for a plugin in a subdirectory).
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pulumi.provider.experimental import component_provider_host

from components.package import COMPONENTS, NAME

if __name__ == "__main__":
    component_provider_host(COMPONENTS, NAME)
