"""The ARNs `bedrock:InvokeModel` must allow for a model id (a foundation model or an inference profile)."""

from __future__ import annotations

# Regions each geographic cross-region inference profile may route a request to.
PROFILE_REGIONS = {
    "us": ("us-east-1", "us-east-2", "us-west-2"),
    "eu": ("eu-central-1", "eu-west-1", "eu-west-3", "eu-north-1"),
    "apac": ("ap-northeast-1", "ap-southeast-1", "ap-southeast-2", "ap-south-1"),
}


def invoke_model_arns(model_id: str, region: str, account: str) -> list[str]:
    """A profile id like `us.amazon.nova-pro-v1:0` needs the profile and the model in each routed region."""
    prefix, _, model = model_id.partition(".")
    if prefix not in PROFILE_REGIONS or not model:
        return [f"arn:aws:bedrock:{region}::foundation-model/{model_id}"]
    return [
        f"arn:aws:bedrock:{region}:{account}:inference-profile/{model_id}",
        *(f"arn:aws:bedrock:{routed}::foundation-model/{model}" for routed in PROFILE_REGIONS[prefix]),
    ]
