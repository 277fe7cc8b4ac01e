import type { SubmitEvent } from "react";
import { ErrorAlert } from "@/components/ErrorAlert";
import { StatusMessage } from "@/components/StatusMessage";
import { TextField } from "@/components/TextField";
import type { CreateEpisodeRequest } from "@/lib/api/types";
import { useCreateEpisode } from "../api/episodes";
import { formText } from "@/lib/form-data";

type Platform = NonNullable<CreateEpisodeRequest["platforms"]>[number];

const PLATFORMS: { value: Platform; label: string }[] = [
  { value: "linkedin live", label: "LinkedIn Live" },
  { value: "X", label: "X" },
  { value: "twitch", label: "Twitch" },
  { value: "youtube", label: "YouTube" },
];

/** The API's CreateEpisodeRequest from the form: optional fields only when filled in. */
export function episodeRequestFrom(form: FormData): CreateEpisodeRequest {
  const text = (name: string) => formText(form, name).trim();
  const themes = text("themes")
    .split(",")
    .map((theme) => theme.trim())
    .filter(Boolean);
  return {
    title: text("title"),
    episodeNumber: Number(text("episodeNumber")),
    ...(text("summary") ? { summary: text("summary") } : {}),
    ...(text("airDate") ? { airDate: text("airDate") } : {}),
    ...(text("seriesName") ? { seriesName: text("seriesName") } : {}),
    platforms: form.getAll("platforms").filter((value) => typeof value === "string") as Platform[],
    themes,
  };
}

export function CreateEpisodeForm({ onCreated }: { onCreated: (episodeId: string) => void }) {
  const create = useCreateEpisode();

  function submit(event: SubmitEvent<HTMLFormElement>) {
    event.preventDefault();
    create.mutate(episodeRequestFrom(new FormData(event.currentTarget)), { onSuccess: ({ id }) => onCreated(id) });
  }

  return (
    <form onSubmit={submit} className="stack narrow">
      <TextField label="Title" name="title" required maxLength={200} />
      <TextField label="Episode number" name="episodeNumber" type="number" min={0} step={1} required />
      <div className="field">
        <label htmlFor="episode-summary">Summary</label>
        <textarea id="episode-summary" name="summary" rows={3} maxLength={5000} />
      </div>
      <TextField label="Air date" name="airDate" type="date" />
      <TextField label="Series name" name="seriesName" maxLength={200} />
      <fieldset>
        <legend>Platforms</legend>
        {PLATFORMS.map((platform) => (
          <label key={platform.value} className="choice">
            <input type="checkbox" name="platforms" value={platform.value} /> {platform.label}
          </label>
        ))}
      </fieldset>
      <TextField label="Themes" name="themes" hint="Optional, separated by commas" />
      <ErrorAlert error={create.error} />
      {create.isPending && <StatusMessage>Creating the episode…</StatusMessage>}
      <button type="submit" disabled={create.isPending}>
        Create episode
      </button>
    </form>
  );
}
