import { render, screen, waitFor } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { PreviewPlayer } from "./PreviewPlayer";

const hls = vi.hoisted(() => {
  const instances: { config: unknown; source?: string; media?: HTMLMediaElement; destroyed: boolean }[] = [];
  class FakeHls {
    static Events = { ERROR: "hlsError" };
    static isSupported = () => true;
    record: (typeof instances)[number];
    constructor(config: unknown) {
      this.record = { config, destroyed: false };
      instances.push(this.record);
    }
    on() {}
    loadSource(url: string) {
      this.record.source = url;
    }
    attachMedia(media: HTMLMediaElement) {
      this.record.media = media;
    }
    destroy() {
      this.record.destroyed = true;
    }
  }
  return { instances, FakeHls };
});

vi.mock("hls.js", () => ({ default: hls.FakeHls }));

const preview = {
  playlistUrl: "https://media.example/previews/clip.m3u8?X-Amz-Signature=abc",
  ranges: [
    { startTime: "00:01:00,000", endTime: "00:01:10,000", playFrom: 1.5, playTo: 11.5 },
    { startTime: "00:02:00,000", endTime: "00:02:05,000", playFrom: 13.25, playTo: 18.25 },
  ],
};
const captions = [
  { startTime: "00:01:00,000", endTime: "00:01:04,000", text: "Welcome back" },
  { startTime: "00:02:00,000", endTime: "00:02:05,000", text: "Here is the trick" },
];

/** jsdom's media elements neither seek nor play: a settable clock and a paused flag stand in. */
function controllableVideo(video: HTMLVideoElement) {
  let time = 0;
  let paused = false;
  Object.defineProperty(video, "currentTime", { get: () => time, set: (value: number) => (time = value) });
  Object.defineProperty(video, "paused", { get: () => paused });
  const pause = vi.spyOn(video, "pause").mockImplementation(() => {
    paused = true;
  });
  const at = (seconds: number) => {
    time = seconds;
    video.dispatchEvent(new Event("timeupdate"));
  };
  return { pause, at, time: () => time };
}

describe("PreviewPlayer", () => {
  beforeEach(() => {
    hls.instances.length = 0;
  });
  afterEach(() => vi.restoreAllMocks());

  it("loads the playlist with hls.js (no worker) and starts at the first range's playFrom", async () => {
    render(<PreviewPlayer preview={preview} captions={captions} />);
    const video = screen.getByLabelText<HTMLVideoElement>("Clip preview");
    const player = controllableVideo(video);
    await waitFor(() => expect(hls.instances).toHaveLength(1));
    expect(hls.instances[0]).toMatchObject({
      config: { enableWorker: false, startPosition: 1.5 },
      source: preview.playlistUrl,
      media: video,
    });
    video.dispatchEvent(new Event("loadedmetadata"));
    expect(player.time()).toBe(1.5);
  });

  it("skips from one range to the next and stops at the last playTo", async () => {
    render(<PreviewPlayer preview={preview} captions={captions} />);
    const video = screen.getByLabelText<HTMLVideoElement>("Clip preview");
    const player = controllableVideo(video);
    await waitFor(() => expect(hls.instances).toHaveLength(1));

    player.at(0.4); // the first range's lead-in
    expect(player.time()).toBe(1.5);
    player.at(5);
    expect(player.time()).toBe(5);
    expect(await screen.findByText("Welcome back")).toBeInTheDocument();
    player.at(12); // the tail of the first range and the lead-in of the second
    expect(player.time()).toBe(13.25);
    player.at(18.3);
    expect(player.pause).toHaveBeenCalledTimes(1);
    expect(player.time()).toBe(18.25);
  });

  it("starts over from the first range when played again at the end", async () => {
    render(<PreviewPlayer preview={preview} captions={captions} />);
    const video = screen.getByLabelText<HTMLVideoElement>("Clip preview");
    const player = controllableVideo(video);
    await waitFor(() => expect(hls.instances).toHaveLength(1));
    player.at(18.25);
    video.dispatchEvent(new Event("play"));
    expect(player.time()).toBe(1.5);
  });

  it("lets hls.js go when the player leaves", async () => {
    const { unmount } = render(<PreviewPlayer preview={preview} captions={captions} />);
    await waitFor(() => expect(hls.instances).toHaveLength(1));
    unmount();
    expect(hls.instances[0]?.destroyed).toBe(true);
  });
});
