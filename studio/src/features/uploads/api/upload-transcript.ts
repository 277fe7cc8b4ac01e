import { useMutation, useQueryClient } from "@tanstack/react-query";
import { unwrap, type ApiClient } from "@/lib/api-client";
import { useApi } from "@/lib/api-context";
import { storageErrorFromXml } from "@/lib/errors";
import { episodeKeys } from "@/lib/query-keys";
import { apiFilename } from "../engine/upload-planner";

/**
 * Asks the API for the transcript's presigned POST, then sends it to storage as a form: every
 * field the API gave, in order, then the file as `file`. Storage's own refusal (a file over the
 * size limit: 400 EntityTooLarge) comes back as a StorageError.
 */
export async function uploadTranscript(api: ApiClient, episodeId: string, file: File): Promise<{ key: string }> {
  const form = await unwrap(
    api.POST("/episodes/{episodeId}/transcripts", {
      params: { path: { episodeId } },
      body: { filename: apiFilename(file.name) },
    }),
  );
  const body = new FormData();
  for (const [name, value] of Object.entries(form.fields)) body.append(name, value);
  body.append("file", file);
  const answer = await fetch(form.uploadUrl, { method: "POST", body });
  if (!answer.ok) throw storageErrorFromXml(answer.status, await answer.text());
  return { key: form.key };
}

export function useUploadTranscript(episodeId: string) {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (file: File) => uploadTranscript(api, episodeId, file),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: episodeKeys.detail(episodeId) }),
  });
}
