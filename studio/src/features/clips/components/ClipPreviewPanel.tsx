import { ErrorAlert } from "@/components/ErrorAlert";
import { describeError } from "@/lib/errors";
import { StatusMessage } from "@/components/StatusMessage";
import type { ClipView } from "@/lib/api/types";
import { useClipPreview } from "../api/clips";
import { PreviewPlayer } from "./PreviewPlayer";

/** The clip as it stands (its current revision), played from storage before any render. */
export function ClipPreviewPanel({ episodeId, clip }: { episodeId: string; clip: ClipView }) {
  const preview = useClipPreview(episodeId, clip.clipId, clip.revision ?? 0);
  if (preview.isPending) return <StatusMessage>Preparing the preview…</StatusMessage>;
  if (preview.isError) {
    return <ErrorAlert error={`No preview yet: ${describeError(preview.error)}`} />;
  }
  return <PreviewPlayer preview={preview.data} captions={clip.captions ?? []} />;
}
