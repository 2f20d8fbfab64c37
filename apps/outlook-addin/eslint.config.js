export { default } from "../../eslint.browser.js";
