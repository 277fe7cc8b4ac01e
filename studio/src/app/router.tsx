import { useState } from "react";
import { createBrowserRouter, RouterProvider, type RouteObject } from "react-router";
import { Loading } from "@/components/Loading";
import { AppLayout } from "./routes/app-layout";
import { NotFoundRoute } from "./routes/not-found";
import { RouteError } from "./routes/route-error";
import { SignInRoute } from "./routes/sign-in";

/**
 * Sign-in is in the entry; every screen behind it is its own chunk, loaded when visited (the clip
 * route brings the editor, and its player loads hls.js on top).
 */
export const routes: RouteObject[] = [
  { path: "/sign-in", element: <SignInRoute />, errorElement: <RouteError /> },
  {
    path: "/",
    element: <AppLayout />,
    errorElement: <RouteError />,
    // Shown while the first screen's chunk loads (react-router asks for it with lazy routes).
    hydrateFallbackElement: <Loading what="the studio" />,
    children: [
      {
        errorElement: <RouteError />,
        children: [
          { index: true, lazy: async () => ({ Component: (await import("./routes/episodes")).EpisodesRoute }) },
          { path: "episodes/new", lazy: async () => ({ Component: (await import("./routes/new-episode")).NewEpisodeRoute }) },
          { path: "episodes/:episodeId", lazy: async () => ({ Component: (await import("./routes/episode")).EpisodeRoute }) },
          {
            path: "episodes/:episodeId/clips/:clipId",
            lazy: async () => ({ Component: (await import("./routes/clip")).ClipRoute }),
          },
          { path: "*", element: <NotFoundRoute /> },
        ],
      },
    ],
  },
];

export function AppRouter() {
  const [router] = useState(() => createBrowserRouter(routes));
  return <RouterProvider router={router} />;
}
