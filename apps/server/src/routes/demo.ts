import { DEMO_USERS } from "@agenda/domain/demo-seed";
import { Hono } from "hono";
import { html } from "hono/html";

const roleLabels = { learner: "Apprenante", trainer: "Formateur", admin: "Administratrice" } as const;

/**
 * The demo sign-in page: in demo mode this product stands in for the platform's own sign-in. Each button asks
 * `POST /api/demo/sign-in` for a session token and shows it, with a command to try the API with it.
 */
export const demoRoutes = new Hono().get("/", (c) =>
  c.html(html`<!doctype html>
    <html lang="fr">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>Agenda — connexion de démonstration</title>
        <style>
          body { font: 16px/1.5 system-ui, sans-serif; max-width: 48rem; margin: 2rem auto; padding: 0 1rem; color: #1b1b1b; }
          button { font: inherit; padding: .5rem 1rem; margin: .25rem 0; border: 1px solid #0f5ea8; background: #0f5ea8; color: #fff; border-radius: 4px; cursor: pointer; }
          button:focus-visible { outline: 3px solid #f0a500; outline-offset: 2px; }
          pre { background: #f3f3f3; padding: 1rem; overflow-x: auto; white-space: pre-wrap; word-break: break-all; }
        </style>
      </head>
      <body>
        <main>
          <h1>Connexion de démonstration</h1>
          <p>Mode démo : choisissez un utilisateur pour obtenir un jeton de session de la plateforme.</p>
          <ul>
            ${Object.values(DEMO_USERS).map(
              (user) =>
                html`<li><button type="button" data-email="${user.email}">${user.name} — ${roleLabels[user.role]}</button> <code>${user.email}</code></li>`,
            )}
          </ul>
          <section aria-live="polite" id="result"></section>
        </main>
        <script type="module">
          const result = document.getElementById("result");
          for (const button of document.querySelectorAll("button[data-email]")) {
            button.addEventListener("click", async () => {
              const response = await fetch("/api/demo/sign-in", {
                method: "POST",
                headers: { "content-type": "application/json" },
                body: JSON.stringify({ email: button.dataset.email }),
              });
              const body = await response.json();
              result.replaceChildren();
              const heading = document.createElement("h2");
              heading.textContent = response.ok ? "Jeton de session" : "Erreur";
              const pre = document.createElement("pre");
              pre.textContent = response.ok
                ? body.token + "\\n\\ncurl -H 'Authorization: Bearer " + body.token + "' '" + location.origin + "/api/calendar/events?from=" + new Date().toISOString() + "&to=" + new Date(Date.now() + 30 * 864e5).toISOString() + "'"
                : body.error.message;
              result.append(heading, pre);
            });
          }
        </script>
      </body>
    </html>`),
);
