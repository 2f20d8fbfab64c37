import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// The server serves the built taskpane under /addin/ (apps/server/src/routes/addin.ts), office.js included.
const server = process.env.AGENDA_SERVER_URL ?? "http://127.0.0.1:3000";

export default defineConfig({
  base: "/addin/",
  plugins: [react()],
  server: { proxy: { "/api": server, "/trpc": server, "/addin/config.json": server, "/addin/office": server } },
  // The pane, and the sign-in dialog Office opens where it offers no nested app authentication (MSAL's standard
  // client, kept out of the pane). One chunk per page on purpose; bench/ watches the pane's gzipped size instead.
  build: {
    outDir: "dist",
    emptyOutDir: true,
    manifest: true,
    chunkSizeWarningLimit: 600,
    rollupOptions: { input: ["taskpane.html", "sign-in.html"] },
  },
});
