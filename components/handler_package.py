"""The deployable form of the `handlers` package: its code archive and its dependency layer."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pulumi
import pulumi_aws as aws


@dataclass
class HandlerPackageArgs:
    """Archives built by `components.packaging` (deterministic, so unchanged code shows no diff)."""

    code_archive: Path
    """Zip of the `handlers` package."""
    layer_archive: Path
    """Zip of the run-time dependencies under `python/`, built for the architecture below."""
    layer_name: str
    """Layer names are not auto-named by AWS; make it unique per stack."""
    runtime: str = "python3.13"
    architecture: str = "arm64"


class HandlerPackage(pulumi.ComponentResource):
    """Publishes the dependency layer; exposes the code archive every function deploys."""

    code: pulumi.FileArchive
    layer: aws.lambda_.LayerVersion
    layer_arn: pulumi.Output[str]

    def __init__(self, name: str, args: HandlerPackageArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("nullcheck:compute:HandlerPackage", name, None, opts)
        self.code = pulumi.FileArchive(str(args.code_archive))
        self.layer = aws.lambda_.LayerVersion(
            f"{name}-layer",
            layer_name=args.layer_name,
            code=pulumi.FileArchive(str(args.layer_archive)),
            compatible_runtimes=[args.runtime],
            compatible_architectures=[args.architecture],
            description="NullCheck handler dependencies (Powertools, pydantic, cryptography…)",
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.layer_arn = self.layer.arn
        self.register_outputs({"layerArn": self.layer_arn})
