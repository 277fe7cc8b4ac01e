/** SRT timestamps as the API writes them (`HH:MM:SS,mmm`, also `.mmm` and fewer digits). */
const TIMESTAMP = /^(\d{1,2}):([0-5]\d):([0-5]\d)(?:[,.](\d{1,3}))?$/;

export function parseTimestamp(text: string): number {
  const match = TIMESTAMP.exec(text.trim());
  if (!match) throw new Error(`not a timestamp: ${text}`);
  const [, hours, minutes, seconds, fraction = "0"] = match;
  return Number(hours) * 3600 + Number(minutes) * 60 + Number(seconds) + Number(fraction.padEnd(3, "0")) / 1000;
}

/** Seconds → `HH:MM:SS,mmm` (rounded to the millisecond; never negative). */
export function formatTimestamp(totalSeconds: number): string {
  const millis = Math.max(0, Math.round(totalSeconds * 1000));
  const pad = (value: number, width = 2) => String(value).padStart(width, "0");
  const hours = Math.floor(millis / 3_600_000);
  const minutes = Math.floor((millis % 3_600_000) / 60_000);
  const seconds = Math.floor((millis % 60_000) / 1000);
  return `${pad(hours)}:${pad(minutes)}:${pad(seconds)},${pad(millis % 1000, 3)}`;
}
