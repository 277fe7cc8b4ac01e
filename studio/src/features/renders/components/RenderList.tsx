import { useSyncedState } from "@/hooks/use-synced-state";
import type { RenderView } from "@/lib/api/types";
import { formatBytes, formatDuration } from "@/lib/format";
import { describeRender, progressWords, renderUnderWay } from "../render-options";

/** The clip's renders: under way, failed (why), or done (play and download). */
export function RenderList({ renders }: { renders: RenderView[] }) {
  if (renders.length === 0) return <p>No renders yet.</p>;
  return (
    <ul className="render-list" aria-label="Renders">
      {renders.map((render) => (
        <li key={render.renderId} className="card">
          <h3>{describeRender(render)}</h3>
          <RenderOutcome render={render} />
          {render.fallbacks && render.fallbacks.length > 0 && (
            <p className="muted">On the main track instead: {render.fallbacks.join("; ")}</p>
          )}
        </li>
      ))}
    </ul>
  );
}

function RenderOutcome({ render }: { render: RenderView }) {
  if (renderUnderWay(render)) {
    return (
      <p role="status" aria-live="polite">
        {progressWords(render)}
      </p>
    );
  }
  if (render.status === "RenderFailed") {
    return (
      <p role="alert" className="alert">
        Render failed: {render.failureReason ?? "no reason given"}
      </p>
    );
  }
  return <RenderedVideo render={render} />;
}

/** The first download URL is kept: a refetched (newer) URL must not restart the video playing. */
function RenderedVideo({ render }: { render: RenderView }) {
  const [url] = useSyncedState(() => render.downloadUrl ?? "", Boolean(render.downloadUrl));
  const name = describeRender(render);
  return (
    <div className="stack">
      <p role="status" aria-live="polite">
        Rendered: {render.width}×{render.height}, {formatDuration(render.durationSeconds)}
        {render.sizeBytes != null ? `, ${formatBytes(render.sizeBytes)}` : ""}
      </p>
      {url && (
        <>
          <video className="render-video" controls playsInline preload="metadata" src={url} aria-label={`Render: ${name}`} />
          <a href={url} download className="button">
            Download render: {name}
          </a>
        </>
      )}
    </div>
  );
}
