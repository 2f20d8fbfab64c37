import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// `npm run dev -w @agenda/web` serves the app with hot reload and hands the API to a running server (`npm start`).
const server = process.env.AGENDA_SERVER_URL ?? "http://127.0.0.1:3000";

export default defineConfig({
  plugins: [react()],
  server: { proxy: { "/api": server, "/trpc": server } },
  build: { outDir: "dist", emptyOutDir: true },
});
