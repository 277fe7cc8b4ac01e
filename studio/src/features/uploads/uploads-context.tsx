import { useQueryClient } from "@tanstack/react-query";
import { createContext, useContext, useEffect, useState, useSyncExternalStore, type ReactNode } from "react";
import { unwrap } from "@/lib/api-client";
import { useApi } from "@/lib/api-context";
import { ApiError } from "@/lib/errors";
import { episodeKeys } from "@/lib/query-keys";
import { isActive, UploadStore, type UploadItem } from "./upload-store";

const UploadsContext = createContext<UploadStore | null>(null);

/** Holds this tab's uploads, so they go on while the producer moves between screens. */
export function UploadsProvider({ children }: { children: ReactNode }) {
  const api = useApi();
  const queryClient = useQueryClient();
  const [store] = useState(
    () =>
      new UploadStore({
        api,
        onTracksChanged: (episodeId) => void queryClient.invalidateQueries({ queryKey: episodeKeys.detail(episodeId) }),
        deleteTrack: async (episodeId, trackName) => {
          try {
            await unwrap(api.DELETE("/episodes/{episodeId}/tracks/{trackName}", { params: { path: { episodeId, trackName } } }));
          } catch (error) {
            if (!(error instanceof ApiError && error.status === 404)) throw error;
          }
        },
      }),
  );
  const items = useSyncExternalStore(store.subscribe, store.snapshot);
  const uploading = items.some(isActive);
  useEffect(() => {
    if (!uploading) return;
    const warn = (event: BeforeUnloadEvent) => event.preventDefault();
    window.addEventListener("beforeunload", warn);
    return () => window.removeEventListener("beforeunload", warn);
  }, [uploading]);
  return <UploadsContext.Provider value={store}>{children}</UploadsContext.Provider>;
}

export function useUploadStore(): UploadStore {
  const store = useContext(UploadsContext);
  if (!store) throw new Error("useUploadStore outside UploadsProvider");
  return store;
}

/** The uploads of one episode, live. */
export function useEpisodeUploads(episodeId: string): UploadItem[] {
  const store = useUploadStore();
  const items = useSyncExternalStore(store.subscribe, store.snapshot);
  return items.filter((item) => item.episodeId === episodeId);
}
