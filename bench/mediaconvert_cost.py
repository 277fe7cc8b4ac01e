"""MediaConvert jobs priced by what their settings use: tier, resolution band, frame rate, output minutes.

MediaConvert bills each output by its duration (per second, at least 10 s), at a rate set by the
tier the job's features need (Basic or Professional), the output's resolution band (SD, HD, UHD)
and frame rate. The settings are those the handlers built (`handlers.core.domain.chunking_job`,
`render_job`), as the local MediaConvert received them.
"""

from __future__ import annotations

from typing import Any

from bench import prices
from bench.cost_model import Line

BASIC_CODECS = ("H_264", "VP8", "VP9")
DOLBY_AUDIO = ("AC3", "EAC3", "EAC3_ATMOS")


def field(mapping: Any, name: str) -> Any:
    """A job-settings member by botocore's name (`OutputGroups`) or as the REST-JSON wire spells it
    (`outputGroups`: how the local MediaConvert received, and so recorded, the settings)."""
    if not isinstance(mapping, dict):
        return None
    return mapping.get(name, mapping.get(name[0].lower() + name[1:]))


def outputs(settings: dict[str, Any]) -> list[dict[str, Any]]:
    return [output for group in field(settings, "OutputGroups") or [] for output in field(group, "Outputs") or []]


def mediaconvert_tier(settings: dict[str, Any]) -> tuple[str, list[str]]:
    """`basic` or `professional`, and the settings that need the Professional tier.

    The Basic tier, as the pricing page words it: AVC outputs with speed-optimized or balanced
    single-pass encoding (or VP8/VP9), clipping, stitching, static overlays. Professional: other
    codecs, multi-pass HQ, accelerated transcoding, HDR and Dolby Vision, Dolby audio, audio
    normalization.
    """
    reasons = []
    for output in outputs(settings):
        video = field(output, "VideoDescription") or {}
        codec_settings = field(video, "CodecSettings") or {}
        codec = field(codec_settings, "Codec")
        if codec and codec not in BASIC_CODECS:
            reasons.append(f"{codec} video")
        if field(field(codec_settings, "H264Settings"), "QualityTuningLevel") == "MULTI_PASS_HQ":
            reasons.append("multi-pass HQ")
        preprocessors = field(video, "VideoPreprocessors") or {}
        reasons += [f"{name} (HDR)" for name in ("DolbyVision", "HdrToSdrToneMapper") if field(preprocessors, name)]
        for audio in field(output, "AudioDescriptions") or []:
            if field(field(audio, "CodecSettings"), "Codec") in DOLBY_AUDIO:
                reasons.append("Dolby audio")
            if field(audio, "AudioNormalizationSettings"):
                reasons.append("audio normalization")
    if field(field(settings, "AccelerationSettings"), "Mode") in ("ENABLED", "PREFERRED"):
        reasons.append("accelerated transcoding")
    return ("professional" if reasons else "basic"), reasons


def features(settings: dict[str, Any]) -> list[str]:
    """What a job's settings use, in the pricing page's terms (to check the tier against the page)."""
    found = []
    for output in outputs(settings):
        video = field(output, "VideoDescription") or {}
        codec_settings = field(video, "CodecSettings") or {}
        h264 = field(codec_settings, "H264Settings") or {}
        passes = field(h264, "QualityTuningLevel") or "SINGLE_PASS (default)"
        found += [f"{field(codec_settings, 'Codec')} {passes}", f"{field(h264, 'RateControlMode')} rate control"]
        found.append(f"{field(field(output, 'ContainerSettings'), 'Container')} output")
        if field(video, "ScalingBehavior") == "FILL":
            found.append("scaled to fill (centre crop)")
        if any(
            field(field(c, "DestinationSettings"), "DestinationType") == "BURN_IN"
            for c in field(output, "CaptionDescriptions") or []
        ):
            found.append("captions burned in")
    if any(field(job_input, "InputClippings") for job_input in field(settings, "Inputs") or []):
        found.append("input clipping")
    return found


def resolution_band(width: int, height: int) -> str:
    """SD below 720 lines, HD up to 1080, UHD above, counting the shorter side (a portrait frame's
    width): whether AWS counts a 1080x1920 output as HD or by its 1920 lines as UHD, the page does not say."""
    lines = min(width, height)
    return "SD" if lines < 720 else "HD" if lines <= 1080 else "UHD"


def frame_rate(job: dict[str, Any]) -> float:
    """The output's frame rate: the one the settings set, else the input's (MediaConvert's default)."""
    for output in outputs(job["settings"]):
        h264 = field(field(field(output, "VideoDescription"), "CodecSettings"), "H264Settings") or {}
        if field(h264, "FramerateControl") == "SPECIFIED":
            return float(field(h264, "FramerateNumerator")) / float(field(h264, "FramerateDenominator"))
    return float(job.get("inputFrameRate") or 30.0)


def frame_rate_factor(fps: float) -> float:
    return next((factor for limit, factor in prices.MEDIACONVERT_FRAME_RATE_FACTORS if fps <= limit + 0.01), 8.0)


def mediaconvert_lines(jobs: list[dict[str, Any]], scale: float, tier_override: str | None = None) -> list[Line]:
    """One line per kind of job: output minutes (the 10 s minimum applied) at the tier and band its settings decide."""
    lines = []
    for job in jobs:
        if job["status"] != "COMPLETE":
            continue
        tier, reasons = mediaconvert_tier(job["settings"])
        tier = tier_override or tier
        band = resolution_band(job["width"], job["height"])
        seconds = job["outputSeconds"] * (scale if job["kind"] == "chunks" else 1.0)
        minutes = max(seconds, prices.MEDIACONVERT_MINIMUM_SECONDS) / 60
        fps = frame_rate(job)
        unit = prices.MEDIACONVERT_MINUTE[tier][band]
        factor = frame_rate_factor(fps)
        what = "chunking" if job["kind"] == "chunks" else "render"
        item = f"{what} {job.get('track') or ''} {job['width']}x{job['height']} {fps:g} fps, {tier} {band}".strip()
        if reasons:
            item += f" ({', '.join(reasons)})"
        usd = minutes * unit.usd * factor
        lines.append(
            Line("MediaConvert", item.replace("  ", " "), minutes, "output minute", usd, "measured", unit.source)
        )
    return lines
