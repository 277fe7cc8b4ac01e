/** React Query keys of episodes and what hangs under them: invalidating an episode refreshes its clips. */
export const episodeKeys = {
  list: () => ["episodes"] as const,
  detail: (episodeId: string) => ["episode", episodeId] as const,
  clips: (episodeId: string) => ["episode", episodeId, "clips"] as const,
  clip: (episodeId: string, clipId: string) => ["episode", episodeId, "clip", clipId] as const,
};

/** Previews are not under the episode: a playlist stays put while the episode is polled. */
export const previewKey = (episodeId: string, clipId: string, revision: number) =>
  ["preview", episodeId, clipId, revision] as const;
