import { useId, useState, type SubmitEvent } from "react";
import { ErrorAlert } from "@/components/ErrorAlert";
import { StatusMessage } from "@/components/StatusMessage";
import { useUploadTranscript } from "../api/upload-transcript";

/** Upload the episode's SRT transcript; the clip agent reads it once storage has it. */
export function TranscriptUploadForm({ episodeId, onUploaded }: { episodeId: string; onUploaded: (key: string) => void }) {
  const inputId = useId();
  const [file, setFile] = useState<File | null>(null);
  const upload = useUploadTranscript(episodeId);

  function submit(event: SubmitEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!file) return;
    const form = event.currentTarget;
    upload.mutate(file, {
      onSuccess: ({ key }) => {
        onUploaded(key);
        setFile(null);
        form.reset();
      },
    });
  }

  return (
    <form onSubmit={submit} className="stack">
      <div className="field">
        <label htmlFor={inputId}>Transcript</label>
        <input
          id={inputId}
          type="file"
          accept=".srt"
          onChange={(event) => {
            setFile(event.currentTarget.files?.[0] ?? null);
            upload.reset();
          }}
        />
      </div>
      <button type="submit" disabled={!file || upload.isPending}>
        Upload transcript
      </button>
      {upload.isPending && <StatusMessage>Uploading the transcript…</StatusMessage>}
      {upload.isSuccess && <StatusMessage>Transcript uploaded: the clip agent will read it.</StatusMessage>}
      <ErrorAlert error={upload.error} />
    </form>
  );
}
