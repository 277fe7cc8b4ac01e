import type { SubmitEvent } from "react";
import { ErrorAlert } from "@/components/ErrorAlert";
import { useSyncedState } from "@/hooks/use-synced-state";
import { StatusMessage } from "@/components/StatusMessage";
import type { ClipView } from "@/lib/api/types";
import { formatDuration } from "@/lib/format";
import { useEditClip } from "../api/clips";
import { clipSpan, totalSeconds, trimSegments, type Span } from "../clip-trim";
import { EditError } from "./EditError";
import { TimeField } from "./TimeField";
import { TrimTimeline } from "./TrimTimeline";

/** Moves the clip's start and end (seconds into the episode), then saves its ranges. */
export function TrimEditor({ episodeId, clip }: { episodeId: string; clip: ClipView }) {
  const edit = useEditClip(episodeId, clip.clipId);
  const [span, setSpan] = useSyncedState<Span>(() => clipSpan(clip.segments), clip.revision ?? 0);
  const result = trimSegments(clip.segments, span);

  function submit(event: SubmitEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!result.ok) return;
    edit.mutate({ segments: result.segments, expectedRevision: clip.revision ?? 0 });
  }

  return (
    <form onSubmit={submit} className="stack">
      <TrimTimeline proposed={clipSpan(clip.proposed.segments)} current={span} />
      <TimeField label="Start" seconds={span.start} onChange={(start) => setSpan((now) => ({ ...now, start }))} />
      <TimeField label="End" seconds={span.end} onChange={(end) => setSpan((now) => ({ ...now, end }))} />
      {result.ok ? (
        <p className="muted">
          New length: {formatDuration(totalSeconds(result.segments))} in {result.segments.length}{" "}
          {result.segments.length === 1 ? "range" : "ranges"}
        </p>
      ) : (
        <ErrorAlert error={result.reason} />
      )}
      <button type="submit" disabled={!result.ok || edit.isPending}>
        Save trim
      </button>
      {edit.isSuccess && <StatusMessage>Trim saved.</StatusMessage>}
      <EditError error={edit.error} />
    </form>
  );
}
