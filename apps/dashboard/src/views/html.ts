export { escapeHtml } from "@payq/runtime";
