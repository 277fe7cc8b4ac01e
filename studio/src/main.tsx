import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { AppProvider } from "./app/provider";
import { AppRouter } from "./app/router";
import { ConfigFailure } from "./app/routes/config-failure";
import { loadConfig } from "./lib/config";
import "./styles/base.css";
import "./styles/layout.css";
import "./styles/components.css";

const container = document.getElementById("root");
if (!container) throw new Error("index.html has no #root");
const root = createRoot(container);

loadConfig()
  .then((config) =>
    root.render(
      <StrictMode>
        <AppProvider config={config}>
          <AppRouter />
        </AppProvider>
      </StrictMode>,
    ),
  )
  .catch((error: unknown) => root.render(<ConfigFailure error={error} />));
