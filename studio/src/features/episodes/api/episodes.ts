import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { unwrap } from "@/lib/api-client";
import { useApi } from "@/lib/api-context";
import type { CreateEpisodeRequest } from "@/lib/api/types";
import { episodeKeys } from "@/lib/query-keys";
import { episodeAtWork, POLL_MS } from "../episode-progress";

const PAGE_SIZE = 20;

/** Episodes newest first, a page at a time (the API's opaque `nextToken`). */
export function useEpisodeList() {
  const api = useApi();
  return useInfiniteQuery({
    queryKey: episodeKeys.list(),
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam, signal }) =>
      unwrap(
        api.GET("/episodes", {
          params: { query: { limit: PAGE_SIZE, ...(pageParam ? { nextToken: pageParam } : {}) } },
          signal,
        }),
      ),
    getNextPageParam: (page) => page.nextToken ?? undefined,
  });
}

/** One episode, asked again every few seconds while something of it is at work. */
export function useEpisode(episodeId: string, awaitingTranscriptKey?: string | null) {
  const api = useApi();
  return useQuery({
    queryKey: episodeKeys.detail(episodeId),
    queryFn: ({ signal }) => unwrap(api.GET("/episodes/{episodeId}", { params: { path: { episodeId } }, signal })),
    refetchInterval: (query) => (episodeAtWork(query.state.data, awaitingTranscriptKey) ? POLL_MS : false),
  });
}

export function useCreateEpisode() {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateEpisodeRequest) => unwrap(api.POST("/episodes", { body })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: episodeKeys.list() }),
  });
}

export function useDeleteTrack(episodeId: string) {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (trackName: string) =>
      unwrap(api.DELETE("/episodes/{episodeId}/tracks/{trackName}", { params: { path: { episodeId, trackName } } })),
    onSettled: () => queryClient.invalidateQueries({ queryKey: episodeKeys.detail(episodeId) }),
  });
}
