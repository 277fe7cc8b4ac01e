import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { unwrap } from "@/lib/api-client";
import { useApi } from "@/lib/api-context";
import type { ClipView, ReviewClipRequest } from "@/lib/api/types";
import { ApiError } from "@/lib/errors";
import { episodeKeys, previewKey } from "@/lib/query-keys";
import { renderUnderWay } from "@/features/renders/render-options";

const POLL_MS = 3_000;
/** A preview playlist's URLs last an hour: ask again well before. */
const PREVIEW_FRESH_MS = 45 * 60 * 1000;

/** The episode's clips; asked again every few seconds while `poll` (the episode is at work). */
export function useClips(episodeId: string, poll: boolean) {
  const api = useApi();
  return useQuery({
    queryKey: episodeKeys.clips(episodeId),
    queryFn: ({ signal }) =>
      unwrap(api.GET("/episodes/{episodeId}/clips", { params: { path: { episodeId } }, signal })).then(
        (list) => list.items,
      ),
    refetchInterval: poll ? POLL_MS : false,
  });
}

const rendering = (clip: ClipView | undefined) => (clip?.renders ?? []).some(renderUnderWay);

/** One clip with its renders, asked again every few seconds while a render is under way. */
export function useClip(episodeId: string, clipId: string) {
  const api = useApi();
  return useQuery({
    queryKey: episodeKeys.clip(episodeId, clipId),
    queryFn: ({ signal }) =>
      unwrap(api.GET("/episodes/{episodeId}/clips/{clipId}", { params: { path: { episodeId, clipId } }, signal })),
    refetchInterval: (query) => (rendering(query.state.data) ? POLL_MS : false),
  });
}

/** The preview playlist of the clip at `revision` (a new revision is a new playlist). */
export function useClipPreview(episodeId: string, clipId: string, revision: number) {
  const api = useApi();
  return useQuery({
    queryKey: previewKey(episodeId, clipId, revision),
    queryFn: ({ signal }) =>
      unwrap(
        api.GET("/episodes/{episodeId}/clips/{clipId}/preview", { params: { path: { episodeId, clipId } }, signal }),
      ),
    staleTime: PREVIEW_FRESH_MS,
    refetchInterval: PREVIEW_FRESH_MS,
    refetchOnWindowFocus: false,
  });
}

export const isConflict = (error: unknown) => error instanceof ApiError && error.status === 409;

/**
 * PATCHes the clip (review, hook, ranges, caption lines, reset). On success the answer is the
 * clip; on 409 (edited meanwhile) the clip is fetched again so the screen shows what won.
 */
export function useEditClip(episodeId: string, clipId: string) {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: ReviewClipRequest) =>
      unwrap(api.PATCH("/episodes/{episodeId}/clips/{clipId}", { params: { path: { episodeId, clipId } }, body })),
    onSuccess: (clip) => {
      queryClient.setQueryData(episodeKeys.clip(episodeId, clipId), clip);
      void queryClient.invalidateQueries({ queryKey: episodeKeys.clips(episodeId) });
    },
    onError: (error) => {
      if (isConflict(error)) void queryClient.invalidateQueries({ queryKey: episodeKeys.clip(episodeId, clipId) });
    },
  });
}
