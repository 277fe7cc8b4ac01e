import { Link, useParams } from "react-router";
import { ErrorAlert } from "@/components/ErrorAlert";
import { Loading } from "@/components/Loading";
import { useDocumentTitle } from "@/components/use-document-title";
import { useClip } from "@/features/clips/api/clips";
import { CaptionEditor } from "@/features/clips/components/CaptionEditor";
import { ClipFacts } from "@/features/clips/components/ClipFacts";
import { ClipPreviewPanel } from "@/features/clips/components/ClipPreviewPanel";
import { HookEditor } from "@/features/clips/components/HookEditor";
import { ResetToProposal } from "@/features/clips/components/ResetToProposal";
import { ReviewActions } from "@/features/clips/components/ReviewActions";
import { TrimEditor } from "@/features/clips/components/TrimEditor";
import { useEpisode } from "@/features/episodes/api/episodes";
import { RenderForm } from "@/features/renders/components/RenderForm";
import { RenderList } from "@/features/renders/components/RenderList";

/** Review one clip: watch it, approve or reject, shape it, render it. */
export function ClipRoute() {
  const { episodeId = "", clipId = "" } = useParams();
  const clip = useClip(episodeId, clipId);
  const episode = useEpisode(episodeId);
  useDocumentTitle(clip.data ? `Clip: ${clip.data.hook}` : "Clip");
  const back = (
    <p>
      <Link to={`/episodes/${encodeURIComponent(episodeId)}`}>Back to episode</Link>
    </p>
  );
  if (clip.isPending) return <Loading what="the clip" />;
  if (clip.isError) {
    return (
      <>
        {back}
        <h1>Review clip</h1>
        <ErrorAlert error={clip.error} />
      </>
    );
  }
  const data = clip.data;
  const processedTracks = (episode.data?.tracks ?? []).filter((track) => track.status === "Processed");
  return (
    <>
      {back}
      <h1>Review clip</h1>
      <ClipFacts clip={data} />
      <div className="review-grid">
        <section aria-labelledby="preview-heading" className="section">
          <h2 id="preview-heading">Preview</h2>
          <ClipPreviewPanel episodeId={episodeId} clip={data} />
        </section>
        <section aria-labelledby="review-heading" className="section">
          <h2 id="review-heading">Review</h2>
          <ReviewActions episodeId={episodeId} clip={data} />
          <HookEditor episodeId={episodeId} clip={data} />
        </section>
        <section aria-labelledby="trim-heading" className="section">
          <h2 id="trim-heading">Trim</h2>
          <TrimEditor episodeId={episodeId} clip={data} />
        </section>
        <section aria-labelledby="captions-heading" className="section">
          <h2 id="captions-heading">Captions</h2>
          <CaptionEditor episodeId={episodeId} clip={data} />
        </section>
        <section aria-labelledby="proposal-heading" className="section">
          <h2 id="proposal-heading">Proposal</h2>
          <ResetToProposal episodeId={episodeId} clip={data} />
        </section>
        <section aria-labelledby="render-heading" className="section">
          <h2 id="render-heading">Render</h2>
          <RenderForm episodeId={episodeId} clip={data} trackNames={processedTracks.map((track) => track.trackName)} />
          <h3>Renders</h3>
          <RenderList renders={data.renders ?? []} />
        </section>
      </div>
    </>
  );
}
