// Names for the generated schema types (src/lib/api/schema.d.ts): aliases, never copies.
import type { components } from "./schema";

type Schemas = components["schemas"];

export type EpisodeSummary = Schemas["EpisodeSummary"];
export type EpisodeList = Schemas["EpisodeList"];
export type EpisodeDetail = Schemas["EpisodeDetail"];
export type CreateEpisodeRequest = Schemas["CreateEpisodeRequest"];
export type TrackView = Schemas["TrackView"];
export type TrackStatus = Schemas["TrackStatus"];
export type TranscriptStatus = Schemas["TranscriptStatus"];
export type TrackUploadSession = Schemas["TrackUploadSession"];
export type UploadedPart = Schemas["UploadedPart"];
export type CompletedPart = Schemas["CompletedPart"];
export type TranscriptUpload = Schemas["TranscriptUpload"];
export type ClipView = Schemas["ClipView"];
export type ClipSegmentView = Schemas["ClipSegmentView"];
export type CaptionLineView = Schemas["CaptionLineView"];
export type CaptionLine = Schemas["CaptionLine"];
export type ClipRange = Schemas["ClipRange"];
export type ReviewClipRequest = Schemas["ReviewClipRequest"];
export type ReviewStatus = Schemas["ReviewStatus"];
export type ClipPreview = Schemas["ClipPreview"];
export type PreviewRange = Schemas["PreviewRange"];
export type RenderRequest = Schemas["RenderRequest"];
export type RenderView = Schemas["RenderView"];
export type RenderStatus = Schemas["RenderStatus"];
