"""Every AWS list price the benchmarks use, in one place, each with the page it is listed on.

Region: US East (N. Virginia), us-east-1. On-demand list prices in USD, first usage tier (no free
tier, no volume discount, no savings plan), as listed on the AWS pricing page each one names, as
those pages read in 2025. They were NOT fetched when this module was written (2026-12-03: the
machine that wrote it had no access to the pages), so they are the prices known from the pages,
not a fresh reading: check each one against its page before quoting a figure, and change it here
(every benchmark reads it from here) when a page says otherwise. Where the price itself is
uncertain, its `note` says so.
"""

from __future__ import annotations

from dataclasses import dataclass

REGION = "us-east-1"
AS_OF = "list prices as the pages read in 2025, not re-checked on 2026-12-03"

LAMBDA_PAGE = "https://aws.amazon.com/lambda/pricing/"
API_GATEWAY_PAGE = "https://aws.amazon.com/api-gateway/pricing/"
S3_PAGE = "https://aws.amazon.com/s3/pricing/"
DYNAMODB_PAGE = "https://aws.amazon.com/dynamodb/pricing/on-demand/"
EVENTBRIDGE_PAGE = "https://aws.amazon.com/eventbridge/pricing/"
CLOUDWATCH_PAGE = "https://aws.amazon.com/cloudwatch/pricing/"
MEDIACONVERT_PAGE = "https://aws.amazon.com/mediaconvert/pricing/"
BEDROCK_PAGE = "https://aws.amazon.com/bedrock/pricing/"
AGENTCORE_PAGE = "https://aws.amazon.com/bedrock/agentcore/pricing/"
SQS_PAGE = "https://aws.amazon.com/sqs/pricing/"
XRAY_PAGE = "https://aws.amazon.com/xray/pricing/"
REKOGNITION_PAGE = "https://aws.amazon.com/rekognition/pricing/"


@dataclass(frozen=True)
class Price:
    """One list price: `usd` per `unit`, as listed on `source`."""

    usd: float
    unit: str
    source: str
    note: str = ""


# AWS Lambda (arm64, the functions' architecture: components/function.py).
LAMBDA_ARM_GB_SECOND = Price(0.0000133334, "GB-second of duration, arm64, first 7.5 billion GB-s a month", LAMBDA_PAGE)
LAMBDA_REQUEST = Price(0.20 / 1_000_000, "request", LAMBDA_PAGE)
LAMBDA_SNAPSTART_CACHE_GB_SECOND = Price(
    0.0000015046, "GB-second a published version's snapshot is cached (Python), at least 3 h", LAMBDA_PAGE
)
LAMBDA_SNAPSTART_RESTORE_GB = Price(0.0001397998, "GB restored per resumed execution environment", LAMBDA_PAGE)

# Amazon API Gateway.
API_GATEWAY_REST_REQUEST = Price(3.50 / 1_000_000, "REST API request, first 333 million a month", API_GATEWAY_PAGE)

# Amazon S3 (S3 Standard; GB = 2^30 bytes, as S3 bills).
S3_STANDARD_GB_MONTH = Price(0.023, "GB-month, S3 Standard, first 50 TB a month", S3_PAGE)
S3_TIER1_REQUEST = Price(0.005 / 1000, "PUT, COPY, POST or LIST request (S3 Standard)", S3_PAGE)
S3_TIER2_REQUEST = Price(0.0004 / 1000, "GET, SELECT or other request (S3 Standard)", S3_PAGE)
S3_TRANSFER_OUT_GB = Price(
    0.09,
    "GB out to the internet, first 10 TB a month",
    "https://aws.amazon.com/ec2/pricing/on-demand/#Data_Transfer",
    "the first 100 GB a month out to the internet are free across services; not applied here",
)

# Amazon DynamoDB on demand (prices halved on 2024-11-01).
DYNAMODB_WRITE_UNIT = Price(0.625 / 1_000_000, "write request unit (1 KB; transactional writes take 2)", DYNAMODB_PAGE)
DYNAMODB_READ_UNIT = Price(
    0.125 / 1_000_000, "read request unit (4 KB strongly consistent, 8 KB eventually; transactional 2)", DYNAMODB_PAGE
)

# Amazon EventBridge: events AWS services send to the default bus are free; custom events are not.
EVENTBRIDGE_CUSTOM_EVENT = Price(1.00 / 1_000_000, "custom event published (64 KB chunk)", EVENTBRIDGE_PAGE)

# Amazon CloudWatch Logs (Standard log class).
CLOUDWATCH_LOGS_INGEST_GB = Price(0.50, "GB of log data ingested (Standard)", CLOUDWATCH_PAGE)
CLOUDWATCH_LOGS_STORAGE_GB_MONTH = Price(0.03, "GB-month of log data archived", CLOUDWATCH_PAGE)

# AWS X-Ray (every function traces actively: components/function.py).
XRAY_TRACE_RECORDED = Price(5.00 / 1_000_000, "trace recorded (past the first 100,000 a month)", XRAY_PAGE)

# Amazon SQS (the stack's queues are the rules' dead-letter queues: no traffic when nothing fails).
SQS_REQUEST = Price(0.40 / 1_000_000, "standard queue request (64 KB chunk)", SQS_PAGE)

# AWS Elemental MediaConvert on demand: per minute of output (billed per second, 10 s minimum per
# output), by tier and resolution band, for AVC single-pass at up to 30 fps. The page now states
# these as a rate per "normalized minute" with multipliers (resolution, frame rate, codec, passes)
# and monthly volume discounts; the first volume tier's rates are these.
MEDIACONVERT_MINUTE: dict[str, dict[str, Price]] = {
    "basic": {
        "SD": Price(0.0075, "output minute, Basic tier, SD (< 720 lines), <= 30 fps", MEDIACONVERT_PAGE),
        "HD": Price(0.015, "output minute, Basic tier, HD (720 to 1080 lines), <= 30 fps", MEDIACONVERT_PAGE),
        "UHD": Price(0.030, "output minute, Basic tier, UHD (> 1080 lines), <= 30 fps", MEDIACONVERT_PAGE),
    },
    "professional": {
        "SD": Price(0.0120, "output minute, Professional tier, AVC single pass, SD, <= 30 fps", MEDIACONVERT_PAGE),
        "HD": Price(0.0240, "output minute, Professional tier, AVC single pass, HD, <= 30 fps", MEDIACONVERT_PAGE),
        "UHD": Price(0.0480, "output minute, Professional tier, AVC single pass, UHD, <= 30 fps", MEDIACONVERT_PAGE),
    },
}
MEDIACONVERT_FRAME_RATE_FACTORS: tuple[tuple[float, float], ...] = ((30.0, 1.0), (60.0, 2.0), (120.0, 4.0))
"""(up to fps, multiplier): above 30 fps an output minute costs twice as much, above 60 four times."""
MEDIACONVERT_MINIMUM_SECONDS = 10
MEDIACONVERT_FRAME_CAPTURE_BAND = "SD"
"""How a frame capture (JPEG) output is counted here: an SD output minute of the timeline it captures, Basic
tier. The pricing page does not name frame capture outputs: an assumption, not verified."""

# Amazon Rekognition Image (face framing: DetectFaces on a frame a second of a framed render's clip).
REKOGNITION_DETECT_FACES_IMAGE = Price(
    0.001,
    "image analysed by DetectFaces (Group 2 APIs), first 1 million images a month",
    REKOGNITION_PAGE,
    "the rate as the page read in 2025, not re-checked: $0.001 an image up to 1M a month, less above",
)


@dataclass(frozen=True)
class ModelPrices:
    """Amazon Bedrock on-demand prices of one model, USD per 1,000 tokens, and what its prompt cache holds."""

    name: str
    model_id: str
    input_per_1k: float
    output_per_1k: float
    cache_read_per_1k: float
    cache_write_per_1k: float
    max_cached_tokens: int
    min_tokens_per_cache_point: int
    source: str = BEDROCK_PAGE
    note: str = ""


NOVA_PRO = ModelPrices(
    "Amazon Nova Pro",
    "us.amazon.nova-pro-v1:0",
    input_per_1k=0.0008,
    output_per_1k=0.0032,
    cache_read_per_1k=0.0002,
    cache_write_per_1k=0.0008,
    max_cached_tokens=20_000,
    min_tokens_per_cache_point=1_000,
    note="cache reads 75% off input; cache writes cost no more than input; caches about 20K tokens",
)
CLAUDE_HAIKU_45 = ModelPrices(
    "Claude Haiku 4.5",
    "us.anthropic.claude-haiku-4-5-20251001-v1:0",
    input_per_1k=0.001,
    output_per_1k=0.005,
    cache_read_per_1k=0.0001,
    cache_write_per_1k=0.00125,
    max_cached_tokens=200_000,
    min_tokens_per_cache_point=4_096,
    note="cache reads a tenth of input, cache writes 1.25x input (5-minute cache)",
)
CLAUDE_SONNET_45 = ModelPrices(
    "Claude Sonnet 4.5",
    "us.anthropic.claude-sonnet-4-5-20250929-v1:0",
    input_per_1k=0.003,
    output_per_1k=0.015,
    cache_read_per_1k=0.0003,
    cache_write_per_1k=0.00375,
    max_cached_tokens=200_000,
    min_tokens_per_cache_point=1_024,
    note="cache reads a tenth of input, cache writes 1.25x input (5-minute cache); prompts over 200K tokens cost more",
)
MODELS = (NOVA_PRO, CLAUDE_HAIKU_45, CLAUDE_SONNET_45)

# Amazon Bedrock AgentCore Memory (the clip agent's series memory).
AGENTCORE_MEMORY_EVENT = Price(0.25 / 1000, "new short-term memory event (CreateEvent)", AGENTCORE_PAGE)
AGENTCORE_LONG_TERM_RECORD_MONTH = Price(
    0.75 / 1000, "long-term memory record stored a month (built-in strategy, extraction included)", AGENTCORE_PAGE
)
AGENTCORE_LONG_TERM_RETRIEVAL = Price(0.50 / 1000, "long-term memory retrieval", AGENTCORE_PAGE)


def all_prices() -> dict[str, Price]:
    """Every `Price` of this module by name (for listings and checks)."""
    found = {name: value for name, value in globals().items() if isinstance(value, Price)}
    for tier, bands in MEDIACONVERT_MINUTE.items():
        found.update({f"MEDIACONVERT_{tier.upper()}_{band}": price for band, price in bands.items()})
    return found
