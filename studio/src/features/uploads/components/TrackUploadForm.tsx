import { useId, useState, type ChangeEvent, type SubmitEvent } from "react";
import { defaultTrackName } from "../engine/upload-planner";
import { useUploadStore } from "../uploads-context";
import { formatBytes } from "@/lib/format";

interface PickedFile {
  file: File;
  trackName: string;
  speakers: string;
}

const splitNames = (text: string) =>
  text
    .split(",")
    .map((name) => name.trim())
    .filter(Boolean);

/** Pick video files (several at once), name a track per file, and upload them. */
export function TrackUploadForm({ episodeId }: { episodeId: string }) {
  const store = useUploadStore();
  const inputId = useId();
  const [picked, setPicked] = useState<PickedFile[]>([]);

  function pick(event: ChangeEvent<HTMLInputElement>) {
    const files = Array.from(event.currentTarget.files ?? []);
    setPicked(files.map((file) => ({ file, trackName: defaultTrackName(file.name), speakers: "" })));
  }

  function change(index: number, changes: Partial<PickedFile>) {
    setPicked((current) => current.map((entry, at) => (at === index ? { ...entry, ...changes } : entry)));
  }

  function submit(event: SubmitEvent<HTMLFormElement>) {
    event.preventDefault();
    store.add(
      episodeId,
      picked.map(({ file, trackName, speakers }) => ({ file, trackName: trackName.trim(), speakers: splitNames(speakers) })),
    );
    setPicked([]);
    event.currentTarget.reset();
  }

  return (
    <form onSubmit={submit} className="stack">
      <div className="field">
        <label htmlFor={inputId}>Video tracks</label>
        <input id={inputId} type="file" multiple accept="video/*" onChange={pick} />
      </div>
      {picked.length > 0 && (
        <ul className="picked-files">
          {picked.map((entry, index) => (
            <PickedFileFields key={`${entry.file.name}-${index}`} entry={entry} onChange={(changes) => change(index, changes)} />
          ))}
        </ul>
      )}
      <button type="submit" disabled={picked.length === 0 || picked.some((entry) => !entry.trackName.trim())}>
        Upload tracks
      </button>
    </form>
  );
}

function PickedFileFields({ entry, onChange }: { entry: PickedFile; onChange: (changes: Partial<PickedFile>) => void }) {
  const id = useId();
  return (
    <li className="picked-file">
      <p>
        <strong>{entry.file.name}</strong> ({formatBytes(entry.file.size)})
      </p>
      <div className="field">
        <label htmlFor={`${id}-name`}>Track name for {entry.file.name}</label>
        <input
          id={`${id}-name`}
          value={entry.trackName}
          maxLength={128}
          required
          onChange={(event) => onChange({ trackName: event.currentTarget.value })}
        />
      </div>
      <div className="field">
        <label htmlFor={`${id}-speakers`}>Speakers in {entry.file.name}</label>
        <input
          id={`${id}-speakers`}
          value={entry.speakers}
          aria-describedby={`${id}-speakers-hint`}
          onChange={(event) => onChange({ speakers: event.currentTarget.value })}
        />
        <small id={`${id}-speakers-hint`} className="hint">
          Optional: names as the transcript labels them, separated by commas
        </small>
      </div>
    </li>
  );
}
