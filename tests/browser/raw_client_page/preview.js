// Playing a clip's preview as a front end would: hls.js (the version studio/package-lock.json pins)
// loads the presigned playlist the API returned, straight from storage, without the API's token.
// The answer says what hls.js read (fragments, their byte ranges and discontinuities), what it
// fetched (bytes of every fragment and of the init section) and how the video element played.
"use strict";

(() => {
  const PLAY_TIMEOUT_MS = 90000;

  function playPreview(playlistUrl, { rate = 4 } = {}) {
    return new Promise((resolve) => {
      if (!window.Hls || !window.Hls.isSupported()) {
        resolve({ error: "hls.js is not loaded or Media Source Extensions are missing" });
        return;
      }
      const video = document.createElement("video");
      video.muted = true;
      video.id = "preview";
      document.body.appendChild(video);
      const hls = new window.Hls({ enableWorker: false });
      const report = { fragments: [], initBytes: 0, errors: [], ended: false };
      const finish = () => {
        const details = hls.levels[0] && hls.levels[0].details;
        resolve({
          ...report,
          playlistDuration: details ? details.totalduration : null,
          mediaDuration: video.duration,
          currentTime: video.currentTime,
          width: video.videoWidth,
          height: video.videoHeight,
          version: window.Hls.version,
        });
        hls.destroy();
      };
      const timer = setTimeout(() => {
        report.errors.push("timed out before the video ended");
        finish();
      }, PLAY_TIMEOUT_MS);
      hls.on(window.Hls.Events.FRAG_LOADED, (_, { frag, payload }) => {
        if (frag.sn === "initSegment") {
          report.initBytes += payload.byteLength;
          return;
        }
        report.fragments.push({
          sn: frag.sn,
          cc: frag.cc,
          duration: frag.duration,
          byteRange: frag.byteRange,
          bytes: payload.byteLength,
        });
      });
      hls.on(window.Hls.Events.ERROR, (_, data) => {
        report.errors.push(`${data.type}: ${data.details}${data.fatal ? " (fatal)" : ""}`);
        if (data.fatal) {
          clearTimeout(timer);
          finish();
        }
      });
      video.addEventListener("ended", () => {
        report.ended = true;
        clearTimeout(timer);
        finish();
      });
      hls.on(window.Hls.Events.MANIFEST_PARSED, () => {
        video.playbackRate = rate;
        video.play().catch((error) => report.errors.push(`play: ${error}`));
      });
      hls.loadSource(playlistUrl);
      hls.attachMedia(video);
    });
  }

  window.preview = { playPreview };
})();
