import { useMutation, useQueryClient } from "@tanstack/react-query";
import { unwrap } from "@/lib/api-client";
import { useApi } from "@/lib/api-context";
import type { RenderRequest } from "@/lib/api/types";
import { episodeKeys } from "@/lib/query-keys";

/** POST …/renders; the clip is then asked again (and polled while the render is under way). */
export function useRequestRender(episodeId: string, clipId: string) {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: RenderRequest) =>
      unwrap(
        api.POST("/episodes/{episodeId}/clips/{clipId}/renders", { params: { path: { episodeId, clipId } }, body }),
      ),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: episodeKeys.clip(episodeId, clipId) }),
  });
}
