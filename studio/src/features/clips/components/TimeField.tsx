import { useId, useState } from "react";
import { formatTimestamp } from "@/lib/timecode";
import { NUDGE_SECONDS, nudge } from "../clip-trim";

interface TimeFieldProps {
  label: "Start" | "End";
  seconds: number;
  onChange: (seconds: number) => void;
}

/** A time in seconds: a number input labelled `label`, with buttons ±0.5 s beside it. */
export function TimeField({ label, seconds, onChange }: TimeFieldProps) {
  const id = useId();
  const [text, setText] = useState(String(seconds));
  const [shownSeconds, setShownSeconds] = useState(seconds);
  if (shownSeconds !== seconds) {
    // Moved from outside (a button, a new revision): show the new value.
    setShownSeconds(seconds);
    setText(String(seconds));
  }
  const move = (delta: number) => onChange(nudge(seconds, delta));
  return (
    <div className="time-field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        type="number"
        inputMode="decimal"
        min={0}
        step="any"
        value={text}
        aria-describedby={`${id}-timestamp`}
        onChange={(event) => {
          setText(event.currentTarget.value);
          const value = event.currentTarget.valueAsNumber;
          if (Number.isFinite(value)) onChange(Math.max(0, value));
        }}
      />
      <span id={`${id}-timestamp`} className="muted">
        seconds ({formatTimestamp(seconds)})
      </span>
      <button type="button" aria-label={`${label} ${NUDGE_SECONDS} s earlier`} onClick={() => move(-NUDGE_SECONDS)}>
        −{NUDGE_SECONDS} s
      </button>
      <button type="button" aria-label={`${label} ${NUDGE_SECONDS} s later`} onClick={() => move(NUDGE_SECONDS)}>
        +{NUDGE_SECONDS} s
      </button>
    </div>
  );
}
