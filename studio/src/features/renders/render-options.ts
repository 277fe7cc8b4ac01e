import type { RenderRequest, RenderView } from "@/lib/api/types";

type Format = NonNullable<RenderRequest["format"]>;
type CaptionStyle = NonNullable<RenderRequest["captionStyle"]>;
type Layout = NonNullable<RenderRequest["layout"]>;

export const FORMATS: { value: Format; label: string; size: string }[] = [
  { value: "vertical", label: "Vertical", size: "1080×1920, for phones" },
  { value: "landscape", label: "Landscape", size: "1920×1080" },
  { value: "square", label: "Square", size: "1080×1080" },
];

export const CAPTION_STYLES: { value: CaptionStyle | ""; label: string }[] = [
  { value: "", label: "Default for the format" },
  { value: "social", label: "Social: a few words at a time, large" },
  { value: "classic", label: "Classic: one or two lines" },
];

export const LAYOUTS: { value: Layout | ""; label: string }[] = [
  { value: "", label: "Default" },
  { value: "speaker", label: "Cut to whoever speaks" },
  { value: "single", label: "One track" },
];

export interface RenderChoices {
  format: Format;
  captions: boolean;
  captionStyle: CaptionStyle | "";
  layout: Layout | "";
  trackName: string;
}

/** The RenderRequest of the form's choices: defaults left to the API (it resolves them). */
export function renderRequestFrom(choices: RenderChoices): RenderRequest {
  return {
    format: choices.format,
    captions: choices.captions,
    ...(choices.captions && choices.captionStyle ? { captionStyle: choices.captionStyle } : {}),
    ...(choices.layout ? { layout: choices.layout } : {}),
    ...(choices.trackName ? { trackName: choices.trackName } : {}),
  };
}

/** "vertical, social captions, speaker layout, revision 2" */
export function describeRender(render: RenderView): string {
  const captions = render.captions ? `${render.captionStyle ?? "classic"} captions` : "no captions";
  const layout = render.layout === "speaker" ? "cut to speakers" : `track ${render.trackName}`;
  return `${render.format}, ${captions}, ${layout}, revision ${render.revision ?? 0}`;
}

const FINAL: readonly string[] = ["Rendered", "RenderFailed"] satisfies RenderView["status"][];

/** Whether the render is still at work: any status but the final ones (`Framing`, `Rendering`…). */
export function renderUnderWay(render: Pick<RenderView, "status">): boolean {
  return !FINAL.includes(render.status);
}

const PROGRESS_WORDS: Record<string, string> = {
  Framing: "Framing: finding where the speakers are…",
  Rendering: "Rendering…",
};

export function progressWords(render: Pick<RenderView, "status">): string {
  return PROGRESS_WORDS[render.status] ?? `${render.status}…`;
}
