import { useEffect, useRef, useState } from "react";
import { ErrorAlert } from "@/components/ErrorAlert";
import type { CaptionLineView, ClipPreview } from "@/lib/api/types";
import { atEnd, captionAt, playbackAction } from "../preview-timeline";

const HLS_TYPE = "application/vnd.apple.mpegurl";

interface PreviewPlayerProps {
  preview: Pick<ClipPreview, "playlistUrl" | "ranges">;
  captions: readonly CaptionLineView[];
}

/**
 * Plays a clip's preview playlist (hls.js, loaded only here; Safari's own HLS otherwise): starts at
 * the first range's `playFrom`, skips what lies between ranges, stops at the last `playTo`, and
 * shows the caption line of the moment.
 */
export function PreviewPlayer({ preview, captions }: PreviewPlayerProps) {
  const videoRef = useRef<HTMLVideoElement>(null);
  const [time, setTime] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const { playlistUrl, ranges } = preview;

  useEffect(() => {
    const video = videoRef.current;
    if (!video) return;
    const start = ranges[0]?.playFrom ?? 0;
    let destroy = () => {};
    let cancelled = false;
    const seekToStart = () => {
      video.currentTime = start;
    };
    const follow = () => {
      const action = playbackAction(video.currentTime, ranges);
      if (action.kind === "seek") video.currentTime = action.to;
      if (action.kind === "stop" && !video.paused) {
        video.pause();
        video.currentTime = action.at;
      }
      setTime(video.currentTime);
    };
    const restartAtEnd = () => {
      if (atEnd(video.currentTime, ranges)) seekToStart();
    };
    video.addEventListener("loadedmetadata", seekToStart);
    video.addEventListener("timeupdate", follow);
    video.addEventListener("play", restartAtEnd);

    void import("hls.js")
      .then(({ default: Hls }) => {
        if (cancelled) return;
        if (Hls.isSupported()) {
          // No worker: a strict CSP (script-src 'self') refuses hls.js's blob: worker.
          const hls = new Hls({ enableWorker: false, startPosition: start });
          hls.on(Hls.Events.ERROR, (_event, data) => {
            if (data.fatal) setError(`The preview could not be played (${data.details}).`);
          });
          hls.loadSource(playlistUrl);
          hls.attachMedia(video);
          destroy = () => hls.destroy();
        } else if (video.canPlayType(HLS_TYPE)) {
          video.src = playlistUrl;
        } else {
          setError("This browser cannot play HLS previews.");
        }
      })
      .catch(() => setError("The player could not be loaded: reload the page."));

    return () => {
      cancelled = true;
      video.removeEventListener("loadedmetadata", seekToStart);
      video.removeEventListener("timeupdate", follow);
      video.removeEventListener("play", restartAtEnd);
      destroy();
    };
  }, [playlistUrl, ranges]);

  const line = captionAt(time, ranges, captions);
  return (
    <div className="player">
      <video ref={videoRef} controls playsInline preload="metadata" aria-label="Clip preview" />
      <p className="current-caption">
        <span className="visually-hidden">Caption now showing: </span>
        {line?.text ?? "—"}
      </p>
      <ErrorAlert error={error} />
    </div>
  );
}
