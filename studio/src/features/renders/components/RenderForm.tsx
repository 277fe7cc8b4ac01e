import { useId, useState, type SubmitEvent } from "react";
import { ErrorAlert } from "@/components/ErrorAlert";
import { StatusMessage } from "@/components/StatusMessage";
import type { ClipView } from "@/lib/api/types";
import { useRequestRender } from "../api/request-render";
import { CAPTION_STYLES, FORMATS, LAYOUTS, renderRequestFrom, type RenderChoices } from "../render-options";

const INITIAL: RenderChoices = { format: "vertical", captions: true, captionStyle: "", layout: "", trackName: "" };

/** Choose a format, captions (and their style), layout and track; render the approved clip. */
export function RenderForm({ episodeId, clip, trackNames }: { episodeId: string; clip: ClipView; trackNames: string[] }) {
  const id = useId();
  const render = useRequestRender(episodeId, clip.clipId);
  const [choices, setChoices] = useState<RenderChoices>(INITIAL);
  const choose = (changes: Partial<RenderChoices>) => setChoices((now) => ({ ...now, ...changes }));
  const approved = clip.status === "approved";

  function submit(event: SubmitEvent<HTMLFormElement>) {
    event.preventDefault();
    render.mutate(renderRequestFrom(choices));
  }

  return (
    <form onSubmit={submit} className="stack">
      <fieldset>
        <legend>Format</legend>
        {FORMATS.map((format) => (
          <div key={format.value} className="choice">
            <input
              id={`${id}-${format.value}`}
              type="radio"
              name="format"
              value={format.value}
              checked={choices.format === format.value}
              aria-describedby={`${id}-${format.value}-size`}
              onChange={() => choose({ format: format.value })}
            />
            <label htmlFor={`${id}-${format.value}`}>{format.label}</label>
            <small id={`${id}-${format.value}-size`} className="hint">
              {format.size}
            </small>
          </div>
        ))}
      </fieldset>
      <div className="choice">
        <input
          id={`${id}-captions`}
          type="checkbox"
          checked={choices.captions}
          onChange={(event) => choose({ captions: event.currentTarget.checked })}
        />
        <label htmlFor={`${id}-captions`}>Burn in captions</label>
      </div>
      <Select id={`${id}-style`} label="Caption style" value={choices.captionStyle} disabled={!choices.captions}
        options={CAPTION_STYLES} onChange={(value) => choose({ captionStyle: value as RenderChoices["captionStyle"] })} />
      <Select id={`${id}-layout`} label="Layout" value={choices.layout} options={LAYOUTS}
        onChange={(value) => choose({ layout: value as RenderChoices["layout"] })} />
      <Select id={`${id}-track`} label="Track" value={choices.trackName}
        options={[{ value: "", label: "The first processed track" }, ...trackNames.map((name) => ({ value: name, label: name }))]}
        onChange={(trackName) => choose({ trackName })} />
      {!approved && (
        <p id={`${id}-approve`} className="hint">
          Only approved clips are rendered: approve this one first.
        </p>
      )}
      <button type="submit" disabled={!approved || render.isPending} aria-describedby={approved ? undefined : `${id}-approve`}>
        Render clip
      </button>
      {render.isPending && <StatusMessage>Asking for the render…</StatusMessage>}
      {render.isSuccess && <StatusMessage>Render started: follow it below.</StatusMessage>}
      <ErrorAlert error={render.error} />
    </form>
  );
}

interface SelectProps {
  id: string;
  label: string;
  value: string;
  options: { value: string; label: string }[];
  disabled?: boolean;
  onChange: (value: string) => void;
}

function Select({ id, label, value, options, disabled, onChange }: SelectProps) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select id={id} value={value} disabled={disabled} onChange={(event) => onChange(event.currentTarget.value)}>
        {options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
    </div>
  );
}
