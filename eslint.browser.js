import reactHooks from "eslint-plugin-react-hooks";
import globals from "globals";
import root from "./eslint.config.js";

// The repository's rules, plus what the browser apps (web agenda, add-in taskpane) need: browser globals and the
// rules of hooks.
export default [
  ...root,
  { ignores: ["**/test-results/**"] },
  {
    files: ["src/**/*.{ts,tsx}"],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { "react-hooks": reactHooks },
    rules: reactHooks.configs.recommended.rules,
  },
  { files: ["e2e/**", "bench/**"], rules: { "no-console": "off" } },
];
