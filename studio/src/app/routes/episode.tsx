import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { Link, useParams } from "react-router";
import { ErrorAlert } from "@/components/ErrorAlert";
import { Loading } from "@/components/Loading";
import { useDocumentTitle } from "@/components/use-document-title";
import { ClipList } from "@/features/clips/components/ClipList";
import { useEpisode } from "@/features/episodes/api/episodes";
import { EpisodeFacts } from "@/features/episodes/components/EpisodeFacts";
import { TrackList } from "@/features/episodes/components/TrackList";
import { TranscriptState } from "@/features/episodes/components/TranscriptState";
import { episodeAtWork } from "@/features/episodes/episode-progress";
import { TrackUploadForm } from "@/features/uploads/components/TrackUploadForm";
import { TranscriptUploadForm } from "@/features/uploads/components/TranscriptUploadForm";
import { UploadList } from "@/features/uploads/components/UploadList";
import { episodeKeys } from "@/lib/query-keys";

/** One episode: its tracks (upload, status), its transcript, and the clips proposed from it. */
export function EpisodeRoute() {
  const episodeId = useParams().episodeId ?? "";
  const [awaitingTranscriptKey, setAwaitingTranscriptKey] = useState<string | null>(null);
  const episode = useEpisode(episodeId, awaitingTranscriptKey);
  const queryClient = useQueryClient();
  useDocumentTitle(episode.data?.title ?? "Episode");

  // Clips appear as the agent stores them: ask for them again whenever the episode's count moves.
  const clipCount = episode.data?.clipCount;
  const transcriptStatus = episode.data?.transcriptStatus;
  useEffect(() => {
    void queryClient.invalidateQueries({ queryKey: episodeKeys.clips(episodeId) });
  }, [queryClient, episodeId, clipCount, transcriptStatus]);

  if (episode.isPending) return <Loading what="the episode" />;
  if (episode.isError) {
    return (
      <>
        <h1>Episode</h1>
        <ErrorAlert error={episode.error} />
        <Link to="/">Back to episodes</Link>
      </>
    );
  }
  const data = episode.data;
  const atWork = episodeAtWork(data, awaitingTranscriptKey);
  return (
    <>
      <p>
        <Link to="/">Back to episodes</Link>
      </p>
      <h1>{data.title}</h1>
      <EpisodeFacts episode={data} />
      <section aria-labelledby="tracks-heading" className="section">
        <h2 id="tracks-heading">Tracks</h2>
        <TrackList episodeId={episodeId} tracks={data.tracks ?? []} />
        <h3>Upload video tracks</h3>
        <TrackUploadForm episodeId={episodeId} />
        <UploadList episodeId={episodeId} />
      </section>
      <section aria-labelledby="transcript-heading" className="section">
        <h2 id="transcript-heading">Transcript</h2>
        <TranscriptState episode={data} />
        <TranscriptUploadForm episodeId={episodeId} onUploaded={setAwaitingTranscriptKey} />
      </section>
      <section aria-labelledby="clips-heading" className="section">
        <h2 id="clips-heading">Clips</h2>
        <ClipList episodeId={episodeId} poll={atWork} />
      </section>
    </>
  );
}
