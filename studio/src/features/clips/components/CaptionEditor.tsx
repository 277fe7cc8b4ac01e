import { useId, type SubmitEvent } from "react";
import { ErrorAlert } from "@/components/ErrorAlert";
import { useSyncedState } from "@/hooks/use-synced-state";
import { StatusMessage } from "@/components/StatusMessage";
import type { CaptionLine, ClipView } from "@/lib/api/types";
import { useEditClip } from "../api/clips";
import { EditError } from "./EditError";

/** The clip's caption lines as CaptionLine edits: the same times and speakers, the new words. */
export function captionEdits(clip: ClipView, texts: readonly string[]): CaptionLine[] {
  return (clip.captions ?? []).map((line, index) => ({
    startTime: line.startTime,
    endTime: line.endTime,
    text: (texts[index] ?? line.text).trim(),
    ...(line.speaker ? { speaker: line.speaker } : {}),
  }));
}

/** Fix the words of the clip's caption lines (what a render burns in). */
export function CaptionEditor({ episodeId, clip }: { episodeId: string; clip: ClipView }) {
  const id = useId();
  const edit = useEditClip(episodeId, clip.clipId);
  const lines = clip.captions ?? [];
  const [texts, setTexts] = useSyncedState(() => lines.map((line) => line.text), clip.revision ?? 0);
  const empty = texts.findIndex((text) => !text.trim());

  if (lines.length === 0) return <p>This clip has no caption lines to edit.</p>;

  function submit(event: SubmitEvent<HTMLFormElement>) {
    event.preventDefault();
    if (empty >= 0) return;
    edit.mutate({ captions: captionEdits(clip, texts), expectedRevision: clip.revision ?? 0 });
  }

  return (
    <form onSubmit={submit} className="stack">
      <ol className="caption-lines">
        {lines.map((line, index) => (
          <li key={`${line.startTime}-${index}`} className="field">
            <label htmlFor={`${id}-${index}`}>Caption line {index + 1}</label>
            <input
              id={`${id}-${index}`}
              value={texts[index] ?? ""}
              maxLength={500}
              aria-describedby={`${id}-${index}-time`}
              onChange={(event) => {
                const value = event.currentTarget.value;
                setTexts((now) => now.map((text, at) => (at === index ? value : text)));
              }}
            />
            <small id={`${id}-${index}-time`} className="hint">
              {line.speaker ? `${line.speaker}, ` : ""}
              {line.startTime} to {line.endTime}
            </small>
          </li>
        ))}
      </ol>
      {empty >= 0 && <ErrorAlert error={`Caption line ${empty + 1} is empty: write its words.`} />}
      <button type="submit" disabled={empty >= 0 || edit.isPending}>
        Save captions
      </button>
      {edit.isSuccess && <StatusMessage>Captions saved.</StatusMessage>}
      <EditError error={edit.error} />
    </form>
  );
}
