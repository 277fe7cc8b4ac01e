import { ErrorAlert } from "@/components/ErrorAlert";
import { formatBytes, formatSpeed } from "@/lib/format";
import { isActive, type UploadItem } from "../upload-store";
import { useEpisodeUploads, useUploadStore } from "../uploads-context";

const STATE_WORDS: Record<UploadItem["state"], string> = {
  waiting: "Waiting for another upload to finish",
  starting: "Starting the upload",
  checking: "Checking which parts storage already holds",
  uploading: "Uploading",
  completing: "Completing the upload",
  completed: "Uploaded: the track's status above follows its processing",
  completingInStorage: "Storage is completing the upload: the track's status above follows it",
  failed: "Upload failed",
  cancelling: "Cancelling",
  cancelled: "Upload cancelled",
};

function progressText(item: UploadItem): string {
  const parts = [`${formatBytes(item.bytesDone)} of ${formatBytes(item.fileSize)}`];
  if (item.state === "uploading" && item.bytesPerSecond > 0) parts.push(formatSpeed(item.bytesPerSecond));
  if (item.partsReused > 0) parts.push(`${item.partsReused} of ${item.partsTotal} parts already stored`);
  return parts.join(" · ");
}

/** Progress, speed and outcome of each file uploading to this episode. */
export function UploadList({ episodeId }: { episodeId: string }) {
  const uploads = useEpisodeUploads(episodeId);
  const store = useUploadStore();
  if (uploads.length === 0) return null;
  return (
    <ul className="upload-list" aria-label="Uploads">
      {uploads.map((item) => (
        <li key={item.id} className="upload-item">
          <h3>
            {item.trackName} <small>({item.fileName})</small>
          </h3>
          <progress
            max={Math.max(item.fileSize, 1)}
            value={item.bytesDone}
            aria-label={`Upload progress of ${item.trackName}`}
          />
          <p className="upload-figures">{progressText(item)}</p>
          <p role="status" aria-live="polite">
            {STATE_WORDS[item.state]}
          </p>
          <ErrorAlert error={item.error} />
          {isActive(item) ? (
            <button
              type="button"
              onClick={() => void store.cancel(item.id)}
              disabled={item.state === "completing" || item.state === "cancelling"}
            >
              Cancel upload of {item.trackName}
            </button>
          ) : (
            <button type="button" className="quiet" onClick={() => store.dismiss(item.id)}>
              Dismiss {item.trackName}
            </button>
          )}
        </li>
      ))}
    </ul>
  );
}
